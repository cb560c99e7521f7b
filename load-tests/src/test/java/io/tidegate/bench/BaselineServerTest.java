package io.tidegate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The baseline must answer a valid JSON body of exactly the requested size, to any request. */
@ExtendWith(VertxExtension.class)
class BaselineServerTest {

  @Test
  void bodyHasExactlyTheRequestedSizeAndIsJson() {
    for (int size : new int[] {10, 11, 539, 4096}) {
      String body = BaselineServer.jsonOfSize(size);
      assertEquals(size, body.getBytes(StandardCharsets.UTF_8).length);
      new JsonObject(body);
    }
    assertThrows(IllegalArgumentException.class, () -> BaselineServer.jsonOfSize(9));
  }

  @Test
  void answersGetAndPostWithTheFixedBody() throws IOException, TimeoutException {
    int free;
    try (ServerSocket probe = new ServerSocket(0)) {
      free = probe.getLocalPort();   // a fixed port, as the bench uses: the two instances share it
    }
    BaselineServer.Options options = BaselineServer.Options.parse(
        new String[] {"--port", Integer.toString(free), "--json-bytes", "539", "--instances", "2"});
    Vertx vertx = Vertx.vertx();
    try {
      BaselineServer server = new BaselineServer(vertx, options);
      int port = server.start().await(10, TimeUnit.SECONDS);
      assertEquals(free, port);
      HttpClient client = vertx.createHttpClient();
      for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.POST}) {
        String payload = method == HttpMethod.POST ? "{\"lines\":[]}" : "";
        Answer answer = client.request(method, port, "127.0.0.1", "/v1/atp/SKU-0001")
            .compose(req -> req.send(payload))
            .compose(res -> res.body().map(body -> new Answer(res.statusCode(), res.getHeader("Content-Type"),
                body.length())))
            .await(10, TimeUnit.SECONDS);
        assertEquals(new Answer(200, "application/json", 539), answer);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private record Answer(int status, String contentType, int bodyBytes) {
  }

  @Test
  void rejectsUnknownOptions() {
    assertThrows(IllegalArgumentException.class, () -> BaselineServer.Options.parse(new String[] {"--prot", "1"}));
  }
}

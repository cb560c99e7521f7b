package io.tidegate.dev.erp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A {@link StatusSink} for tests: keeps every event in publish order and tells listeners. */
public final class InMemoryStatusSink implements StatusSink {

  /** One published event. */
  public record Published(String orderId, String correlationId, Buffer value) {
    public JsonObject json() {
      return value.toJsonObject();
    }
  }

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final List<Consumer<Published>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public Future<Void> publish(String orderId, String correlationId, Buffer eventJson) {
    Published p = new Published(orderId, correlationId, eventJson.copy());
    published.add(p);
    listeners.forEach(l -> l.accept(p));
    return Future.succeededFuture();
  }

  /** Called (on the publisher's thread) for every event published after registration. */
  public InMemoryStatusSink onPublish(Consumer<Published> listener) {
    listeners.add(listener);
    return this;
  }

  public List<Published> published() {
    return List.copyOf(published);
  }

  /** The envelopes published for one order, in publish order. */
  public List<JsonObject> eventsFor(String orderId) {
    return published.stream().filter(p -> p.orderId().equals(orderId))
        .map(Published::json).collect(Collectors.toList());
  }
}

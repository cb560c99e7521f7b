package io.tidegate.dev.erp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where the simulator publishes the ERP's status events ({@code orders.erp-status.v1} in the real
 * set-up). {@code eventJson} is the complete canonical envelope; {@code orderId} is the record key.
 */
@FunctionalInterface
public interface StatusSink {

  Future<Void> publish(String orderId, String correlationId, Buffer eventJson);
}

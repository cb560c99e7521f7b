package io.tidegate.erp;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which offsets may be committed when records finish out of order: per partition, the offset after
 * the longest prefix of finished records. A record whose partition was revoked (or that belongs to
 * an earlier generation after a restart) is forgotten, so it can never move a commit.
 * Event-loop confined.
 */
final class OffsetTracker {

  private final Map<TopicPartition, TreeMap<Long, Boolean>> pending = new HashMap<>();

  void started(TopicPartition tp, long offset) {
    pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, false);
  }

  void finished(TopicPartition tp, long offset) {
    TreeMap<Long, Boolean> offsets = pending.get(tp);
    if (offsets != null && offsets.containsKey(offset)) {
      offsets.put(offset, true);
    }
  }

  /** Offsets to commit now (and forgets the finished prefixes); empty when nothing moved. */
  Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    pending.forEach((tp, offsets) -> {
      Long last = null;
      while (!offsets.isEmpty() && offsets.firstEntry().getValue()) {
        last = offsets.pollFirstEntry().getKey();
      }
      if (last != null) {
        out.put(tp, new OffsetAndMetadata(last + 1, ""));
      }
    });
    return out;
  }

  void forget(Set<TopicPartition> partitions) {
    partitions.forEach(pending::remove);
  }

  void clear() {
    pending.clear();
  }

  /** Records started and not yet committed. */
  int size() {
    return pending.values().stream().mapToInt(Map::size).sum();
  }
}

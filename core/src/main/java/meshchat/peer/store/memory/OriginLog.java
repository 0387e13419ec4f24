package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import meshchat.peer.message.ChatMessage;

/**
 * One origin's messages by sequence number. Seqs are dense from 1 (each author counts 1, 2, 3...),
 * so they live in an array indexed by seq: finding a duplicate, the common case of a flooded Chat,
 * is one array read instead of a hash lookup in a map of every message. A seq far beyond what this
 * origin has sent (a gap, or a hostile peer's huge number) goes to a TreeMap, so the array never
 * outgrows about twice the messages held.
 */
final class OriginLog {
  static final int MIN_CAPACITY = 4; // also the in-memory store's array logs'

  private static final ChatMessage[] NONE = new ChatMessage[0];

  // seqs 1..dense.length live here (null where absent); every higher seq lives in sparse, made on
  // first use: a simulated peer keeps one log per origin, most of them a few messages long
  private ChatMessage[] dense = NONE;
  private TreeMap<Long, ChatMessage> sparse;
  private int count;

  ChatMessage get(long seq) {
    if (seq <= dense.length) {
      return dense[(int) (seq - 1)];
    }
    return sparse == null ? null : sparse.get(seq);
  }

  /** Stores {@code m} at {@code seq}, which must be absent. */
  void put(long seq, ChatMessage m) {
    count++;
    if (seq > dense.length && seq <= 2L * count + MIN_CAPACITY) {
      long doubled = Math.max(2L * dense.length, MIN_CAPACITY);
      grow((int) Math.max(seq, Math.min(doubled, 2L * count + MIN_CAPACITY)));
    }
    if (seq <= dense.length) {
      dense[(int) (seq - 1)] = m;
    } else {
      if (sparse == null) {
        sparse = new TreeMap<>();
      }
      sparse.put(seq, m);
    }
  }

  private void grow(int capacity) {
    dense = Arrays.copyOf(dense, capacity);
    while (sparse != null && !sparse.isEmpty() && sparse.firstKey() <= capacity) {
      var e = sparse.pollFirstEntry();
      dense[(int) (e.getKey() - 1)] = e.getValue();
    }
  }

  /** Up to {@code limit} messages with seqs in {@code first..last}, ascending. */
  List<ChatMessage> range(long first, long last, int limit) {
    List<ChatMessage> out = new ArrayList<>();
    for (long s = first; s <= Math.min(last, dense.length) && out.size() < limit; s++) {
      ChatMessage m = dense[(int) (s - 1)];
      if (m != null) {
        out.add(m);
      }
    }
    if (out.size() < limit && last > dense.length && sparse != null && !sparse.isEmpty()) {
      long from = Math.max(first, dense.length + 1L);
      if (from <= last) {
        for (ChatMessage m : sparse.subMap(from, true, last, true).values()) {
          if (out.size() >= limit) {
            break;
          }
          out.add(m);
        }
      }
    }
    return out;
  }

  void forEach(Consumer<ChatMessage> action) {
    for (ChatMessage m : dense) {
      if (m != null) {
        action.accept(m);
      }
    }
    if (sparse != null) {
      sparse.values().forEach(action);
    }
  }

  int count() {
    return count;
  }
}

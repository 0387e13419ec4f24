package meshchat.peer.room;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;

/**
 * The last {@code capacity} messages put, found by id: a ring of the messages and an
 * open-addressing index of ring positions (linear probing, deletion by backward shift: Knuth, TAOCP
 * vol. 3, 6.4, Algorithm R). The oldest is forgotten when a new one comes, as a {@code
 * LinkedHashMap} that removes its eldest entry would, in about 12 bytes a message instead of 40 and
 * a node per message: every peer keeps one, and a simulation runs thousands of peers in one heap
 * (docs/decisions/0009-per-author-state.md).
 */
final class RecentMessages {
  private final ChatMessage[] ring;
  private final int[] index; // ring position + 1; 0: empty
  private final int mask;
  private final int shift; // home = the top bits of the scrambled hash
  private int next; // the ring position the next message takes

  RecentMessages(int capacity) {
    ring = new ChatMessage[capacity];
    index = new int[Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) * 2]; // at most half full
    mask = index.length - 1;
    shift = Integer.numberOfLeadingZeros(mask);
  }

  /** The message of id {@code id} among the last ones put, or null. */
  ChatMessage get(MessageId id) {
    for (int i = home(id); index[i] != 0; i = (i + 1) & mask) {
      ChatMessage m = ring[index[i] - 1];
      if (m.seq() == id.seq() && m.origin().equals(id.origin())) {
        return m;
      }
    }
    return null;
  }

  /** Remembers {@code m}, forgetting the oldest if full; a message already held is replaced. */
  void put(ChatMessage m) {
    int i = home(m.id());
    for (; index[i] != 0; i = (i + 1) & mask) {
      int at = index[i] - 1;
      if (ring[at].id().equals(m.id())) {
        ring[at] = m;
        return;
      }
    }
    ChatMessage oldest = ring[next];
    if (oldest != null) {
      remove(oldest.id());
      i = home(m.id()); // the removal may have moved the free slot the probe ended at
      while (index[i] != 0) {
        i = (i + 1) & mask;
      }
    }
    ring[next] = m;
    index[i] = next + 1;
    next = next + 1 == ring.length ? 0 : next + 1;
  }

  private void remove(MessageId id) {
    int i = home(id);
    while (!ring[index[i] - 1].id().equals(id)) {
      i = (i + 1) & mask; // it is held: the probe finds it before an empty slot
    }
    // shift back every later entry of the cluster whose home does not lie between the hole and it
    int hole = i;
    for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
      int h = home(ring[index[j] - 1].id());
      boolean stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (!stays) {
        index[hole] = index[j];
        hole = j;
      }
    }
    index[hole] = 0;
  }

  private int home(MessageId id) {
    return (id.hashCode() * 0x9E3779B9) >>> shift; // Fibonacci hashing (Knuth, 6.4)
  }
}

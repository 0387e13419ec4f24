package meshchat.peer.store.memory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * One origin's kept chain heads, by seq, in flat arrays: their seqs in a sorted {@code long[]},
 * each head's hash and signature side by side in the store's {@link MessageArena} (its address in a
 * {@code long[]} beside the seq), and the origin's key kept once. A {@code TreeMap<Long,
 * ChainHead>} kept five objects per head (its entry, the boxed seq, the head, its hash and its
 * signature); a busy peer keeps about one head per message, and every object kept is copied by the
 * young collections whose pauses make the latency tail (docs/benchmarks.md, sessions 15 and 16). A
 * head is made again, equal to the one put, when it is read: reads are rare (history served, a
 * restart).
 */
final class HeadLog {
  private static final int HASH = ChatMessage.HASH_BYTES;
  private static final int SIGNATURE = 64;
  // the bytes one head takes in proofs: flag, hash, signature length, signature (at most 64: a
  // longer signature, which Ed25519 never makes, goes to others)
  private static final int SLOT = 1 + HASH + 1 + SIGNATURE;
  // flag values: what the head's key was
  private static final byte NO_KEY = 0;
  private static final byte ORIGIN_KEY = 1;
  private static final byte OTHER = 2; // the whole head is in others

  private final PeerId origin;
  private final MessageArena arena;
  private long[] seqs = new long[4];
  private long[] proofs = new long[4]; // the arena address of each head's slot
  private int size;
  private byte[] key; // the first non-empty key a head of this origin came with
  private Map<Long, ChainHead> others; // heads that do not fit a slot: none from an honest peer

  HeadLog(PeerId origin, MessageArena arena) {
    this.origin = origin;
    this.arena = arena;
  }

  /** Keeps {@code head} unless one with its seq is kept. */
  void putIfAbsent(ChainHead head) {
    long seq = head.seq();
    int at = Arrays.binarySearch(seqs, 0, size, seq);
    if (at >= 0) {
      return;
    }
    at = -at - 1;
    if (size == seqs.length) {
      seqs = Arrays.copyOf(seqs, 2 * size);
      proofs = Arrays.copyOf(proofs, 2 * size);
    }
    System.arraycopy(seqs, at, seqs, at + 1, size - at);
    System.arraycopy(proofs, at, proofs, at + 1, size - at);
    seqs[at] = seq;
    size++;
    long address = arena.reserve(SLOT);
    proofs[at] = address;
    byte[] b = arena.bytes(address);
    int p = MessageArena.offset(address);
    byte[] k = head.publicKey();
    byte[] sig = head.signature();
    if (k.length != 0 && key == null) {
      key = k;
    }
    if (sig.length > SIGNATURE || k.length != 0 && !Arrays.equals(k, key)) {
      b[p] = OTHER;
      if (others == null) {
        others = new HashMap<>();
      }
      others.put(seq, head);
      return;
    }
    b[p] = k.length == 0 ? NO_KEY : ORIGIN_KEY;
    System.arraycopy(head.hash(), 0, b, p + 1, HASH);
    b[p + 1 + HASH] = (byte) sig.length;
    System.arraycopy(sig, 0, b, p + 2 + HASH, sig.length);
  }

  /** The kept head with the lowest seq at or above {@code seq}, or null. */
  ChainHead atOrAfter(long seq) {
    int at = Arrays.binarySearch(seqs, 0, size, seq);
    if (at < 0) {
      at = -at - 1;
    }
    if (at == size) {
      return null;
    }
    byte[] b = arena.bytes(proofs[at]);
    int p = MessageArena.offset(proofs[at]);
    if (b[p] == OTHER) {
      return others.get(seqs[at]);
    }
    byte[] hash = Arrays.copyOfRange(b, p + 1, p + 1 + HASH);
    int sigLength = b[p + 1 + HASH];
    byte[] sig = Arrays.copyOfRange(b, p + 2 + HASH, p + 2 + HASH + sigLength);
    return new ChainHead(origin, seqs[at], hash, sig, b[p] == NO_KEY ? new byte[0] : key);
  }
}

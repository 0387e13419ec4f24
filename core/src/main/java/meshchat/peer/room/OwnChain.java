package meshchat.peer.room;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.SeqRange;

/**
 * The author's side of this peer's hash chain (docs/protocol.md, "Hash chain"): each authored
 * message is linked to the previous one, and a head is signed once per burst of <i>published</i>
 * messages, never over one that is only staged (a staged message may still be dropped by a failed
 * commit, and a head over it would sign a chain nobody can complete).
 *
 * <p>A head is due after every burst ({@link Room#durable}; a runtime under load may hold it a few
 * milliseconds to cover several bursts, {@link Room#signHead}) and, inside a long burst, at least
 * every {@link Room#HEAD_EVERY_MESSAGES} messages or {@link Room#HEAD_EVERY_BYTES} of text, which
 * bounds how much a receiver holds unauthenticated and how far a history batch reaches for a head.
 */
final class OwnChain {
  private static final byte[] CHAIN_START = new byte[ChatMessage.HASH_BYTES];
  private static final int TAIL_PAGE = 1_024;

  private final PeerId self;
  private final MessageSigner signer;
  private final MessageStore store;
  private byte[] tip = CHAIN_START; // chain hash of the newest authored message
  private ChatMessage lastPublished;
  private long headSeq; // seq of our newest signed head
  private long unsignedBytes; // text published since that head

  OwnChain(PeerId self, MessageSigner signer, MessageStore store) {
    this.self = self;
    this.signer = signer;
    this.store = store;
  }

  boolean chaining() {
    return signer != MessageSigner.NONE;
  }

  /**
   * Resumes after a restart at {@code ownSeq}. Everything stored was committed, so it may have been
   * sent; if the head over it was lost (it is written after the commit), it is signed again now.
   * History from before chains (no {@code prev}) is never sent, so it gets no head; the chain goes
   * on from its last message all the same.
   */
  void resume(long ownSeq) {
    if (ownSeq == 0 || !chaining()) {
      return;
    }
    Optional<ChatMessage> last = store.get(new MessageId(self, ownSeq));
    if (last.isEmpty()) {
      return;
    }
    tip = signer.hash(last.get());
    headSeq = ownSeq;
    if (last.get().isChained() && store.headAtOrAfter(self, ownSeq).isEmpty()) {
      signTail(ownSeq);
    }
  }

  /**
   * Signs heads over the stored tail that no head covers, spaced as a live burst's would be (at
   * least every {@link Room#HEAD_EVERY_MESSAGES} messages or {@link Room#HEAD_EVERY_BYTES} of
   * text), ending at {@code ownSeq}. A peer killed while a long backlog was being committed faster
   * than it was published leaves thousands of stored messages without a head; one head over them
   * all would make a history batch reach down to the previous head, past the frame limit, and a
   * neighbour would close the link on every retry.
   */
  private void signTail(long ownSeq) {
    long covered = lastHeadBelow(ownSeq);
    long count = 0;
    long bytes = 0;
    long next = covered + 1;
    while (next <= ownSeq) {
      List<ChatMessage> page = store.range(self, new SeqRange(next, ownSeq), TAIL_PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (ChatMessage m : page) {
        count++;
        bytes += m.text().getBytes(StandardCharsets.UTF_8).length;
        boolean due = count >= Room.HEAD_EVERY_MESSAGES || bytes >= Room.HEAD_EVERY_BYTES;
        if (m.isChained() && (due || m.seq() == ownSeq)) {
          ChainHead head = signer.signHead(self, m.seq(), signer.hash(m));
          if (head != null) {
            store.putHead(head);
          }
          count = 0;
          bytes = 0;
        }
        next = m.seq() + 1;
      }
    }
  }

  /** The seq of our newest stored head below {@code ownSeq}, or 0: a binary search of the store. */
  private long lastHeadBelow(long ownSeq) {
    long lo = 0; // a head at or after lo + 1 exists below ownSeq only if lo < answer
    long hi = ownSeq - 1;
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      Optional<ChainHead> h = store.headAtOrAfter(self, mid);
      if (h.isPresent() && h.get().seq() < ownSeq) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (lo == 0) {
      return 0;
    }
    return store.headAtOrAfter(self, lo).map(ChainHead::seq).orElse(0L);
  }

  /** Links a message being authored to the previous one. */
  ChatMessage link(ChatMessage unchained) {
    if (!chaining()) {
      return unchained;
    }
    ChatMessage m = unchained.chained(tip);
    tip = signer.hash(m);
    return m;
  }

  /** A failed commit dropped staged messages from {@code first} on: the chain resumes below it. */
  void dropped(ChatMessage first) {
    if (chaining() && first.isChained()) {
      tip = first.prev();
    }
  }

  /**
   * Our own message {@code m} came back from the room above everything we authored (a lost store
   * tail): the next message must link to it, or every receiver would refuse our chain. Its head
   * came with it.
   */
  void recovered(ChatMessage m) {
    if (chaining() && m.isChained()) {
      tip = signer.hash(m);
      headSeq = Math.max(headSeq, m.seq());
      if (lastPublished != null && lastPublished.seq() < m.seq()) {
        lastPublished = null;
      }
    }
  }

  /** {@code m} was just shown and sent; true if a head is due before the burst ends. */
  boolean published(ChatMessage m, int textBytes) {
    lastPublished = m;
    unsignedBytes += textBytes;
    return m.seq() - headSeq >= Room.HEAD_EVERY_MESSAGES || unsignedBytes >= Room.HEAD_EVERY_BYTES;
  }

  /** Whether a published message is not covered by a signed head yet. */
  boolean unsigned() {
    return chaining() && lastPublished != null && lastPublished.seq() > headSeq;
  }

  /** Signs (and stores) the head over the newest published message; null if none is due. */
  ChainHead sign() {
    if (lastPublished == null || lastPublished.seq() <= headSeq || !chaining()) {
      return null;
    }
    headSeq = lastPublished.seq();
    unsignedBytes = 0;
    ChainHead head = signer.signHead(self, headSeq, signer.hash(lastPublished));
    if (head != null) {
      store.putHead(head);
    }
    return head;
  }
}

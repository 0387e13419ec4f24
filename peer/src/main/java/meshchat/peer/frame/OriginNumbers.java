package meshchat.peer.frame;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;

/**
 * The write side of "Link context" (docs/protocol.md): origin numbers, one numbering per thread, so
 * that every link a thread writes (a peer's links share its room thread) names an origin by the
 * same number, and a live chat frame's compact bytes are the same for all of them: made once, as
 * {@link LinkCodec} makes every frame. The first {@link LinkContext#MAX_REF} origins a thread
 * writes get numbers; any after that are written in full.
 */
final class OriginNumbers {
  private static final FastThreadLocal<OriginNumbers> THREAD =
      new FastThreadLocal<>() {
        @Override
        protected OriginNumbers initialValue() {
          return new OriginNumbers();
        }
      };

  private final Map<PeerId, Integer> numbers = new HashMap<>();

  static OriginNumbers ofThisThread() {
    return THREAD.get();
  }

  /** {@code id}'s number on this thread, 1..MAX_REF, or 0 once the numbers are used up. */
  int number(PeerId id) {
    Integer n = numbers.get(id);
    if (n != null) {
      return n;
    }
    if (numbers.size() >= LinkContext.MAX_REF) {
      return 0;
    }
    int next = numbers.size() + 1;
    numbers.put(id, next);
    return next;
  }

  /** The numbers of a message's origin (index 0) and of its deps' origins, in order. */
  int[] of(ChatMessage m) {
    int[] refs = new int[1 + m.deps().size()];
    refs[0] = number(m.origin());
    for (int i = 1; i < refs.length; i++) {
      refs[i] = number(m.deps().get(i - 1).origin());
    }
    return refs;
  }

  /** True if every numbered origin in {@code refs} was already sent in full on the link. */
  static boolean allBound(int[] refs, BitSet bound) {
    for (int r : refs) {
      if (r != 0 && !bound.get(r)) {
        return false;
      }
    }
    return true;
  }
}

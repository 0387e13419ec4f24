package meshchat.peer.frame;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Who holds a link's reading paused. Two handlers pause a link for their own reasons (the frame
 * rate limit, a verifier that is behind) and each resumes only its own pause; the channel reads
 * again once nobody holds one. Link thread only.
 */
public final class ReadPause {
  private static final AttributeKey<State> HELD = AttributeKey.valueOf("meshchat.readPauses");

  /** How many pauses are held, and when the last was taken or let go (the loop's ticker). */
  private static final class State {
    int held;
    long changedNanos;
  }

  private ReadPause() {}

  /** Stops reading {@code ch} until every pause is resumed. */
  public static void pause(Channel ch) {
    State s = state(ch);
    s.held++;
    s.changedNanos = ch.eventLoop().ticker().nanoTime();
    ch.config().setAutoRead(false);
  }

  /**
   * The link is closing: a pause that is never resumed, so no handler turns reading back on (what
   * the closing link reads, if anything, is its closer's business).
   */
  public static void closing(Channel ch) {
    State s = state(ch);
    s.held++;
    s.changedNanos = ch.eventLoop().ticker().nanoTime();
  }

  private static State state(Channel ch) {
    State s = ch.attr(HELD).setIfAbsent(new State());
    return s == null ? ch.attr(HELD).get() : s;
  }

  /**
   * Resumes one pause of {@code ch}; true if nobody holds one any more, and so reading may go on
   * (the caller turns it on, unless the link is closing).
   */
  public static boolean resume(Channel ch) {
    State s = ch.attr(HELD).get();
    if (s == null || s.held == 0) {
      return true;
    }
    s.changedNanos = ch.eventLoop().ticker().nanoTime();
    return --s.held == 0;
  }

  /**
   * Whether we kept {@code ch} from reading at some moment of the last {@code nanos}: its silence
   * over that time may be ours, not the other side's.
   */
  public static boolean heldWithin(Channel ch, long nanos) {
    State s = ch.attr(HELD).get();
    return s != null && (s.held > 0 || ch.eventLoop().ticker().nanoTime() - s.changedNanos < nanos);
  }
}

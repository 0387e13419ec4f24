package meshchat.testkit.net;

/**
 * What can go wrong on a link, applied per message. Real TCP neither loses nor reorders within a
 * connection, so these model what a broken connection looks like to the layer above it:
 *
 * <ul>
 *   <li>{@code loss}: the message never arrives: the connection broke. The break is noticed (both
 *       ends see linkDown, messages in flight are lost, the peers redial later) after a delay drawn
 *       uniformly from {@code [0, detectMs]}, as a real peer notices by an idle or ping timeout.
 *       Until then later messages still get through, which is harsher than TCP (a gap in the
 *       stream) and tests that anti-entropy repairs silent gaps.
 *   <li>{@code duplicate}: the message arrives twice, the copy one more delay later (a relay loop
 *       or a retransmit bug).
 *   <li>{@code reorder}: the message ignores the link's FIFO order and takes up to twice an extra
 *       delay, so later messages may overtake it.
 * </ul>
 *
 * @param delay one-way delay of each message
 */
public record LinkFaults(
    Delay delay, double loss, double duplicate, double reorder, long detectMs) {
  public LinkFaults {
    check("loss", loss);
    check("duplicate", duplicate);
    check("reorder", reorder);
    if (detectMs < 0) {
      throw new IllegalArgumentException("detectMs must be >= 0: " + detectMs);
    }
  }

  /** 10 to 30 ms of delay, nothing else: a calm LAN. */
  public static LinkFaults calm() {
    return new LinkFaults(new Delay(10, 20), 0, 0, 0, 2_000);
  }

  public LinkFaults withDelay(Delay d) {
    return new LinkFaults(d, loss, duplicate, reorder, detectMs);
  }

  public LinkFaults withLoss(double p) {
    return new LinkFaults(delay, p, duplicate, reorder, detectMs);
  }

  public LinkFaults withDuplicate(double p) {
    return new LinkFaults(delay, loss, p, reorder, detectMs);
  }

  public LinkFaults withReorder(double p) {
    return new LinkFaults(delay, loss, duplicate, p, detectMs);
  }

  public LinkFaults withDetectMs(long ms) {
    return new LinkFaults(delay, loss, duplicate, reorder, ms);
  }

  private static void check(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be a probability in [0, 1]: " + p);
    }
  }
}

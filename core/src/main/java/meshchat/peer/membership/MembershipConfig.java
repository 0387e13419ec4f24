package meshchat.peer.membership;

/**
 * Membership tunables, an immutable record with a preset and {@code withX} copies.
 *
 * @param maxLinks the link cap: this peer never holds more links, dialed or accepted; a room of at
 *     most {@code maxLinks + 1} peers is a full mesh
 * @param viewSlack in a bigger room a peer dials up to {@code ceil(log2 N) + viewSlack} links (the
 *     active view of HyParView, Leitão et al. 2007), N estimated from the peers it knows, and the
 *     room between that and the cap is what lets newcomers link to it
 * @param redialMinMs first redial delay of a lost link; doubles per failure
 * @param redialMaxMs cap of the redial delay
 * @param maxRedials failed redials of a lost link before it is given up (it stays known, so a later
 *     round may pick it again); a peer dialed by hand is redialed forever
 * @param roundMs mean period of a membership round (±25%): ask for members if links are wanted,
 *     then dial fresh ones
 * @param swapGraceMs how long a link that lost the tie-break may stay away before its peer is
 *     reported down (the other connection is about to come up)
 * @param maxKnown most peers remembered as candidates (the address book); beyond, a random one is
 *     forgotten, so a stranger's lists cannot grow it without bound
 */
public record MembershipConfig(
    int maxLinks,
    int viewSlack,
    long redialMinMs,
    long redialMaxMs,
    int maxRedials,
    long roundMs,
    long swapGraceMs,
    int maxKnown) {

  public MembershipConfig {
    if (viewSlack < 0) {
      throw new IllegalArgumentException("viewSlack must be >= 0");
    }
    if (maxLinks < 1 || redialMinMs < 1 || redialMaxMs < redialMinMs || maxRedials < 0) {
      throw new IllegalArgumentException(
          "maxLinks and redialMinMs must be >= 1, redialMaxMs >= redialMinMs, maxRedials >= 0");
    }
    if (roundMs < 1 || swapGraceMs < 0 || maxKnown < 1) {
      throw new IllegalArgumentException("roundMs and maxKnown must be >= 1, swapGraceMs >= 0");
    }
  }

  public static MembershipConfig defaults() {
    return new MembershipConfig(32, 2, 200, 10_000, 6, 1_000, 2_000, 1_024);
  }

  public MembershipConfig withMaxLinks(int v) {
    return new MembershipConfig(
        v, viewSlack, redialMinMs, redialMaxMs, maxRedials, roundMs, swapGraceMs, maxKnown);
  }

  public MembershipConfig withRedial(long minMs, long maxMs) {
    return new MembershipConfig(
        maxLinks, viewSlack, minMs, maxMs, maxRedials, roundMs, swapGraceMs, maxKnown);
  }

  public MembershipConfig withRoundMs(long v) {
    return new MembershipConfig(
        maxLinks, viewSlack, redialMinMs, redialMaxMs, maxRedials, v, swapGraceMs, maxKnown);
  }
}

package meshchat.peer.membership;

/**
 * Membership tunables, an immutable record with a preset and {@code withX} copies.
 *
 * @param maxLinks how many links this peer dials up to: a room of at most {@code maxLinks + 1}
 *     peers is a full mesh, a bigger one a random graph of about this degree
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
    long redialMinMs,
    long redialMaxMs,
    int maxRedials,
    long roundMs,
    long swapGraceMs,
    int maxKnown) {

  public MembershipConfig {
    if (maxLinks < 1 || redialMinMs < 1 || redialMaxMs < redialMinMs || maxRedials < 0) {
      throw new IllegalArgumentException(
          "maxLinks and redialMinMs must be >= 1, redialMaxMs >= redialMinMs, maxRedials >= 0");
    }
    if (roundMs < 1 || swapGraceMs < 0 || maxKnown < 1) {
      throw new IllegalArgumentException("roundMs and maxKnown must be >= 1, swapGraceMs >= 0");
    }
  }

  public static MembershipConfig defaults() {
    return new MembershipConfig(32, 200, 10_000, 6, 1_000, 2_000, 1_024);
  }

  public MembershipConfig withMaxLinks(int v) {
    return new MembershipConfig(
        v, redialMinMs, redialMaxMs, maxRedials, roundMs, swapGraceMs, maxKnown);
  }

  public MembershipConfig withRedial(long minMs, long maxMs) {
    return new MembershipConfig(maxLinks, minMs, maxMs, maxRedials, roundMs, swapGraceMs, maxKnown);
  }

  public MembershipConfig withRoundMs(long v) {
    return new MembershipConfig(
        maxLinks, redialMinMs, redialMaxMs, maxRedials, v, swapGraceMs, maxKnown);
  }
}

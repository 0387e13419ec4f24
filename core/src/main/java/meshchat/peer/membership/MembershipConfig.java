package meshchat.peer.membership;

import java.util.function.Consumer;
import meshchat.peer.config.Drafts;

/**
 * Membership tunables, an immutable record: {@link #defaults()}, then copies made with {@link
 * #with} ({@code with(d -> d.maxLinks = 8)}).
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
 * @param maxLinksPerSource most links one source (an IPv4 address or an IPv6 /64, as the runtime
 *     keys it: {@code meshchat.wire.SourceKey}) may hold, dialed or accepted: a quarter of the cap
 *     by default, so a stranger with many throwaway keys on a few addresses cannot hold every slot
 *     (rev29 F3). Test harnesses and benchmarks that run every peer on loopback raise it.
 * @param maxLinksPerGroup most links this peer accepted (dialed to it, not pinned) that one network
 *     group may hold: a public IPv4 /16 or IPv6 /32 as the runtime keys it ({@code
 *     meshchat.wire.NetGroup}), so that a stranger with many addresses in one network (32 /64s of
 *     one /48 cost nothing) holds a quarter of the accepted slots, not all (session 30). Test
 *     harnesses and benchmarks that run every peer on loopback raise it, as the source cap.
 * @param rememberAfterMs how long a link must have stayed up before its peer is put in the peer
 *     cache ({@link MembershipEffects#remember}; checked each round and when the link goes, so up
 *     to a round later): a key costs nothing, a link held that long holds one of its source's few
 *     slots (rev29 F5)
 * @param evictionIntervalMs least time between two links dropped to make room for a newcomer from a
 *     less represented source, so that cycling keys or addresses cannot churn links faster
 */
public record MembershipConfig(
    int maxLinks,
    int viewSlack,
    long redialMinMs,
    long redialMaxMs,
    int maxRedials,
    long roundMs,
    long swapGraceMs,
    int maxKnown,
    int maxLinksPerSource,
    int maxLinksPerGroup,
    long rememberAfterMs,
    long evictionIntervalMs) {

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
    if (maxLinksPerSource < 1
        || maxLinksPerGroup < 1
        || rememberAfterMs < 0
        || evictionIntervalMs < 0) {
      throw new IllegalArgumentException(
          "maxLinksPerSource and maxLinksPerGroup must be >= 1, rememberAfterMs and"
              + " evictionIntervalMs >= 0");
    }
  }

  /** Links one source may hold: {@code maxLinksPerSource}, never more than the cap. */
  public int sourceCap() {
    return Math.min(maxLinksPerSource, maxLinks);
  }

  /**
   * Accepted links one network group may hold: {@code maxLinksPerGroup}, never more than the cap.
   */
  public int groupCap() {
    return Math.min(maxLinksPerGroup, maxLinks);
  }

  /** Every field at its default; see {@link Draft} for the values. */
  public static MembershipConfig defaults() {
    return Drafts.build(MembershipConfig.class, new Draft());
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public MembershipConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  /**
   * The fields of a MembershipConfig, each at its named default: change some in {@link #with}, or
   * read the defaults here.
   */
  public static final class Draft {
    public int maxLinks = 32;
    public int viewSlack = 2;
    public long redialMinMs = 200;
    public long redialMaxMs = 10_000;
    public int maxRedials = 6;
    public long roundMs = 1_000;
    public long swapGraceMs = 2_000;
    public int maxKnown = 1_024;
    public int maxLinksPerSource = 8; // maxLinks / 4
    public int maxLinksPerGroup = 8; // maxLinks / 4, of the accepted links
    public long rememberAfterMs = 10_000;
    public long evictionIntervalMs = 1_000;
  }
}

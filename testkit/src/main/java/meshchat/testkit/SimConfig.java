package meshchat.testkit;

import java.util.function.Consumer;
import meshchat.fixture.net.LinkFaults;
import meshchat.peer.config.Drafts;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.room.RoomConfig;
import meshchat.tracker.directory.Directory;

/**
 * How a simulated cluster behaves, as an immutable record: {@link #defaults(long)}, then copies
 * made with {@link #with} ({@code with(d -> d.maxSkewMs = 5_000)}), as the product's config records
 * are (docs/decisions/0008-config-drafts.md).
 *
 * @param seed the one seed every random source in the run is derived from
 * @param faults link faults applied to every link unless a link has its own
 * @param room the core's config: the product defaults unless a test says otherwise
 * @param maxSkewMs each peer's wall clock is off by a uniform amount in {@code [-max, max]}
 * @param membership the membership core's config: the link cap, redials, rounds
 * @param trackerFanout most members the tracker names in one answer (0: all of them); by default
 *     32, as the real tracker ({@code Directory.MAX_NAMED})
 * @param sampleIntervalMs period of the convergence timeline samples
 * @param chained peers hash-chain their messages and sign heads ({@code SimChainSigner}), as real
 *     peers do; off by default, which keeps runs fast. A run with an equivocating member needs it
 * @param threads how many threads run the peers of a window ({@code Windows}); the run is the same
 *     for any number: 1 by default
 */
public record SimConfig(
    long seed,
    LinkFaults faults,
    RoomConfig room,
    long maxSkewMs,
    MembershipConfig membership,
    int trackerFanout,
    long sampleIntervalMs,
    boolean chained,
    int threads) {
  public SimConfig {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
  }

  /** Every field at its default (see {@link Draft}), with {@code seed}. */
  public static SimConfig defaults(long seed) {
    Draft d = new Draft();
    d.seed = seed;
    return Drafts.build(SimConfig.class, d);
  }

  /** A copy with {@code change} made to a draft of this config ({@link Drafts}). */
  public SimConfig with(Consumer<Draft> change) {
    return Drafts.derive(this, new Draft(), change);
  }

  /**
   * The fields of a SimConfig, each at its named default: change some in {@link #with}, or read the
   * defaults here.
   */
  public static final class Draft {
    public long seed;
    public LinkFaults faults = LinkFaults.calm();
    public RoomConfig room = RoomConfig.defaults();
    public long maxSkewMs;
    public MembershipConfig membership = MembershipConfig.defaults();
    public int trackerFanout = Directory.MAX_NAMED;
    public long sampleIntervalMs = 50;
    public boolean chained;
    public int threads = 1;
  }
}

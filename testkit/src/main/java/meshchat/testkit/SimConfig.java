package meshchat.testkit;

import meshchat.fixture.net.LinkFaults;
import meshchat.peer.membership.MembershipConfig;
import meshchat.peer.room.RoomConfig;
import meshchat.tracker.directory.Directory;

/**
 * How a simulated cluster behaves, as an immutable record with {@code withX} copies.
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
 */
public record SimConfig(
    long seed,
    LinkFaults faults,
    RoomConfig room,
    long maxSkewMs,
    MembershipConfig membership,
    int trackerFanout,
    long sampleIntervalMs,
    boolean chained) {

  public static SimConfig defaults(long seed) {
    return new SimConfig(
        seed,
        LinkFaults.calm(),
        RoomConfig.defaults(),
        0,
        MembershipConfig.defaults(),
        Directory.MAX_NAMED,
        50,
        false);
  }

  public SimConfig withFaults(LinkFaults f) {
    return new SimConfig(
        seed, f, room, maxSkewMs, membership, trackerFanout, sampleIntervalMs, chained);
  }

  public SimConfig withRoom(RoomConfig r) {
    return new SimConfig(
        seed, faults, r, maxSkewMs, membership, trackerFanout, sampleIntervalMs, chained);
  }

  public SimConfig withMaxSkewMs(long ms) {
    return new SimConfig(
        seed, faults, room, ms, membership, trackerFanout, sampleIntervalMs, chained);
  }

  public SimConfig withTrackerFanout(int n) {
    return new SimConfig(seed, faults, room, maxSkewMs, membership, n, sampleIntervalMs, chained);
  }

  public SimConfig withMembership(MembershipConfig m) {
    return new SimConfig(
        seed, faults, room, maxSkewMs, m, trackerFanout, sampleIntervalMs, chained);
  }

  public SimConfig withSampleIntervalMs(long ms) {
    return new SimConfig(seed, faults, room, maxSkewMs, membership, trackerFanout, ms, chained);
  }

  public SimConfig withChained(boolean on) {
    return new SimConfig(
        seed, faults, room, maxSkewMs, membership, trackerFanout, sampleIntervalMs, on);
  }
}

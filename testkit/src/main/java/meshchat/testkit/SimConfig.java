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
 * @param membership the membership core's config (its {@code maxLinks} is taken from {@code
 *     room.maxLinks()}, as the runtime does)
 * @param trackerFanout most members the tracker names in one answer (0: all of them); by default
 *     32, as the real tracker ({@code Directory.MAX_NAMED})
 * @param sampleIntervalMs period of the convergence timeline samples
 */
public record SimConfig(
    long seed,
    LinkFaults faults,
    RoomConfig room,
    long maxSkewMs,
    MembershipConfig membership,
    int trackerFanout,
    long sampleIntervalMs) {

  public static SimConfig defaults(long seed) {
    return new SimConfig(
        seed,
        LinkFaults.calm(),
        RoomConfig.defaults(),
        0,
        MembershipConfig.defaults(),
        Directory.MAX_NAMED,
        50);
  }

  public SimConfig withFaults(LinkFaults f) {
    return new SimConfig(seed, f, room, maxSkewMs, membership, trackerFanout, sampleIntervalMs);
  }

  public SimConfig withRoom(RoomConfig r) {
    return new SimConfig(seed, faults, r, maxSkewMs, membership, trackerFanout, sampleIntervalMs);
  }

  public SimConfig withMaxSkewMs(long ms) {
    return new SimConfig(seed, faults, room, ms, membership, trackerFanout, sampleIntervalMs);
  }

  public SimConfig withTrackerFanout(int n) {
    return new SimConfig(seed, faults, room, maxSkewMs, membership, n, sampleIntervalMs);
  }

  public SimConfig withMembership(MembershipConfig m) {
    return new SimConfig(seed, faults, room, maxSkewMs, m, trackerFanout, sampleIntervalMs);
  }

  public SimConfig withSampleIntervalMs(long ms) {
    return new SimConfig(seed, faults, room, maxSkewMs, membership, trackerFanout, ms);
  }
}

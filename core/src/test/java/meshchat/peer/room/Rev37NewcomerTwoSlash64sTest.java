package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * rev37 FINDING-2. Since session 36 a newcomer's catch-up round ends whole (and with it the free
 * naming of its later links) only when complete digests of two *sources* were up
 * (AntiEntropy.roundMaybeOver). A source is an IPv6 /64, and the same document says a /48's 65,536
 * /64s are free (that is why new authors are now charged per /48 as well). So one stranger with two
 * /64s of one /48, each key holding one line of its own, that links to a fresh peer before its hub
 * does, ends the period exactly as rev36 FINDING-1's one stranger did: the hub's catch-up that
 * comes next is charged, 64 authors a day. The fix needs the round counted by network (the room has
 * it: Room.linkUp's fourth argument), and this test's Mesh a network per peer: give s1 and s2 the
 * network "2001:db8:7::/48" (e.g. a Mesh.source(name, source, network) passed to the 4-argument
 * Room.linkUp) once it exists.
 *
 * <p>Fixed: the round and the newcomer links are counted by network; Mesh.source(name, source,
 * network) gives s1 and s2 their /48.
 */
class Rev37NewcomerTwoSlash64sTest {
  private static final int AUTHORS = 700;

  private final RoomConfig bounded =
      RoomConfig.defaults()
          .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "feed", "hub", "nc", "s1", "s2");
  private final Mesh.Peer nc = mesh.peer("nc");
  private final InMemoryMessageStore ncStore = new InMemoryMessageStore();

  @Test
  void twoSlash64sOfOneSlash48LinkingFirstLeaveTheHubsCatchUpFree() {
    nc.roomOn(ncStore, 7, bounded);
    mesh.holdsOneLineEach("feed", "hub", AUTHORS);
    // one stranger, two keys on two /64s of its one /48 (free), each with a line of its own
    mesh.source("s1", "2001:db8:7:1::/64", "2001:db8:7::/48")
        .source("s2", "2001:db8:7:2::/64", "2001:db8:7::/48");
    mesh.peer("s1").send("hi from s1");
    mesh.peer("s2").send("hi from s2");
    mesh.run(1_000);
    mesh.link("nc", "s1").link("nc", "s2").run(30_000);
    assertThat(nc.shown()).containsExactlyInAnyOrder("hi from s1", "hi from s2");

    mesh.link("hub", "nc").run(120_000);
    assertThat(nc.deliveries.size())
        .as(
            "nc's lines after its catch-up (new_author refusals %d)",
            nc.room.counters().get(Counter.NEW_AUTHOR))
        .isEqualTo(AUTHORS + 2);
  }
}

package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * Where a newcomer's free naming ends (session 35, rev35 FINDING-1): a peer that started with no
 * other author's message stays a newcomer for its links until its first catch-up round ended whole
 * ({@code AntiEntropy.endedWhole}: heard complete from two sources or more, session 36), for at
 * most {@code Room.MAX_NEWCOMER_LINKS} links after it stored its first other author, at most {@code
 * Room.MAX_NEWCOMER_LINKS_PER_SOURCE} of one source (session 36, rev36 FINDING-1: one address's
 * quick reconnects spent them all). Past either, a link's authors are charged to its source.
 */
class NewcomerLinksTest {
  private final RoomConfig bounded =
      RoomConfig.defaults()
          .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
  // only nc runs the product's bound; the others none
  private final Mesh mesh =
      new Mesh(RoomConfig.defaults(), "feed", "feed2", "hub", "hub2", "nc", "other", "empty");
  private final Mesh.Peer nc = mesh.peer("nc");

  /**
   * {@code hub} holds one line of each of {@code authors} authors of its own prefix, fed by {@code
   * feed} (which then holds them too: one feeder a hub).
   */
  private void holds(String feed, String hub, int prefix, int authors) {
    mesh.link(feed, hub).run(1_000);
    List<ChatMessage> lines = new ArrayList<>();
    for (int i = 0; i < authors; i++) {
      lines.add(chat(PeerId.of(new byte[] {(byte) prefix, (byte) (i >> 8), (byte) i}), 1, 10 + i));
    }
    for (int i = 0; i < authors; i += 100) {
      List<ChatMessage> part = lines.subList(i, Math.min(authors, i + 100));
      mesh.inject(feed, hub, new SyncBatch(1, part, true, List.of()));
      mesh.run(100);
    }
    mesh.run(1_000);
    assertThat(mesh.peer(hub).room.heldCount()).isEqualTo(authors);
  }

  @Test
  void aRoundHeardWholeFromOneSourceOnlyDoesNotEndIt() {
    nc.roomOn(new InMemoryMessageStore(), 7, bounded);
    holds("feed", "hub", 0xa0, 10);
    holds("feed2", "hub2", 0xb0, 100);
    mesh.link("hub", "nc").run(30_000); // one link's round: one stranger could have made it
    assertThat(nc.room.heldCount()).isEqualTo(10);

    mesh.link("hub2", "nc").run(120_000);
    assertThat(nc.room.heldCount()).as("nc's authors, all free").isEqualTo(10 + 100);
  }

  @Test
  void aLinkAfterTheNewcomersFirstWholeRoundIsChargedForTheAuthorsItBrings() {
    nc.roomOn(new InMemoryMessageStore(), 7, bounded);
    holds("feed", "hub", 0xa0, 10);
    holds("feed2", "hub2", 0xb0, 100);
    mesh.link("hub", "nc").link("feed", "nc").run(30_000); // heard whole from two sources
    assertThat(nc.room.heldCount()).isEqualTo(10);

    mesh.link("hub2", "nc").run(120_000); // a link of 100 authors nobody else names
    assertThat(nc.room.heldCount())
        .as("nc's authors: the room's 10, then hub2's source's day of new authors")
        .isEqualTo(10 + RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    assertThat(nc.room.counters().get(Counter.NEW_AUTHOR)).isPositive();
  }

  /**
   * nc stores another newcomer's live line (no catch-up round ends), then links and drops {@code
   * links} links that bring nothing, {@code perSource} of each source, then links the hub.
   */
  private long heldAfterLinksThenTheHub(int links, int perSource, int counted) {
    return heldAfterLinksThenTheHub(links, perSource, counted, false);
  }

  /** As above; {@code slash64s}: each source a /64 of one /48 (one network), not an address. */
  private long heldAfterLinksThenTheHub(int links, int perSource, int counted, boolean slash64s) {
    nc.roomOn(new InMemoryMessageStore(), 7, bounded);
    holds("feed", "hub", 0xa0, 200);
    mesh.link("nc", "other").run(1_000);
    mesh.peer("other").send("hello, anyone?");
    mesh.run(1_000);
    assertThat(nc.shown()).containsExactly("hello, anyone?");
    for (int i = 0; i < links; i++) {
      if (slash64s) {
        mesh.source("empty", "2001:db8:7:" + (i / perSource + 1) + "::/64", "2001:db8:7::/48");
      } else {
        mesh.source("empty", "192.0.2." + i / perSource);
      }
      mesh.link("empty", "nc").run(1_000);
      mesh.unlink("empty", "nc").run(1_000);
    }
    assertThat(nc.room.newcomerLinks()).as("links counted").isEqualTo(counted);
    mesh.link("hub", "nc").run(120_000);
    return nc.room.heldCount();
  }

  @Test
  void theLastLinkANewcomerMayStillBringFreeIsItsSixteenthAfterItsFirstOtherAuthor() {
    // 15 links of 8 sources, then the hub: the 16th
    assertThat(heldAfterLinksThenTheHub(15, 2, 15))
        .as("nc's messages: other's line and the hub's 200 authors, all free")
        .isEqualTo(1 + 200);
  }

  @Test
  void aNewcomersSeventeenthLinkAfterItsFirstOtherAuthorIsCharged() {
    assertThat(heldAfterLinksThenTheHub(16, 2, 16))
        .as("nc's messages: other's line and the hub's source's day of new authors")
        .isEqualTo(1 + RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
  }

  @Test
  void oneSourcesQuickReconnectsCountTwiceAndLeaveTheHubsCatchUpFree() {
    assertThat(heldAfterLinksThenTheHub(16, 16, Room.MAX_NEWCOMER_LINKS_PER_SOURCE))
        .as("nc's messages: other's line and the hub's 200 authors, all free")
        .isEqualTo(1 + 200);
  }

  /**
   * rev37 FINDING-2: the newcomer links are counted per network (an IPv6 /48), not per /64: eight
   * /64s of one /48 spent all 16 until session 37, and the hub's catch-up was charged.
   */
  @Test
  void theSlash64sOfOneSlash48CountAsOneNetworksTwoLinks() {
    assertThat(heldAfterLinksThenTheHub(16, 2, Room.MAX_NEWCOMER_LINKS_PER_SOURCE, true))
        .as("nc's messages: other's line and the hub's 200 authors, all free")
        .isEqualTo(1 + 200);
  }
}

package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * rev35 FINDING-3: a newcomer's table of free names ({@link NewAuthors#MAX_NAMED_TOTAL}) filled by
 * names of origins that never come. Until session 36 two links of one source (one hostile member on
 * two links, or two addresses of one /64), or two hostile sources, each naming {@link
 * NewAuthors#MAX_NAMED} such origins in their first minute, left no free name for the honest hub
 * that linked next: the newcomer's catch-up of the real room was charged to the hub's source, 64
 * authors a day. Now one source names at most {@link NewAuthors#MAX_NAMED} across its links, and a
 * source under its fair share of a full table takes names from the one holding the most.
 */
class NamesTableFilledTest {
  private static final int AUTHORS = 200;

  private final RoomConfig bounded =
      RoomConfig.defaults()
          .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
  // only nc runs the product's bound; the others none
  private final Mesh mesh = new Mesh(RoomConfig.defaults(), "evil1", "evil2", "feed", "hub", "nc");
  private final Mesh.Peer nc = mesh.peer("nc");

  /** {@code hub} holds one line of each of {@link #AUTHORS} authors, fed by {@code feed}. */
  private void hubHoldsTheRoom() {
    mesh.holdsOneLineEach("feed", "hub", AUTHORS);
    assertThat(mesh.peer("hub").room.heldCount()).isEqualTo(AUTHORS);
  }

  /**
   * {@code from} links nc and its digests name {@link NewAuthors#MAX_NAMED} origins nobody holds
   * (nor ever sends), numbered from {@code first}, at once: a digest frame names at most 10,000.
   */
  private void namesOriginsNeverSent(String from, int first) {
    mesh.link(from, "nc").run(100);
    SeqSet one = new SeqSet();
    one.add(1);
    for (int i = 0; i < NewAuthors.MAX_NAMED; i += 10_000) {
      List<DigestEntry> entries = new ArrayList<>(10_000);
      for (int j = i; j < Math.min(NewAuthors.MAX_NAMED, i + 10_000); j++) {
        int k = first + j;
        PeerId ghost =
            PeerId.of(
                new byte[] {
                  (byte) 0xee, (byte) (k >> 24), (byte) (k >> 16), (byte) (k >> 8), (byte) k
                });
        entries.add(new DigestEntry(ghost, one));
      }
      mesh.inject(from, "nc", new Digest(entries, false));
    }
    mesh.pump();
  }

  /** The two hostile links name {@code 2 * MAX_NAMED} origins that never come. */
  private void hostileLinksName() {
    nc.roomOn(new InMemoryMessageStore(), 7, bounded);
    hubHoldsTheRoom();
    namesOriginsNeverSent("evil1", 0);
    namesOriginsNeverSent("evil2", NewAuthors.MAX_NAMED);
    mesh.run(1_000);
  }

  /** Then the hub links: what nc holds once its catch-up is done. */
  private long heldAfterTheHub() {
    mesh.link("hub", "nc").run(120_000);
    return nc.room.heldCount();
  }

  /** The hub links to nc: every one of its authors is stored, none charged. */
  private void theHubsAuthorsComeAllFree() {
    assertThat(heldAfterTheHub())
        .as(
            "nc's authors: the hub's %d, all free (new_author refusals %d)",
            AUTHORS, nc.room.counters().get(Counter.NEW_AUTHOR))
        .isEqualTo(AUTHORS);
    assertThat(nc.room.counters().get(Counter.NEW_AUTHOR)).isZero();
  }

  @Test
  void twoLinksOfOneSourceCannotTakeTheNamesAnHonestHubsLinkNeeds() {
    String evil = "2001:db8:6:6::/64";
    mesh.source("evil1", evil).source("evil2", evil);
    hostileLinksName();
    assertThat(nc.room.freeNamesOf(evil))
        .as("one source names at most MAX_NAMED, however many links")
        .isEqualTo(NewAuthors.MAX_NAMED);
    assertThat(nc.room.freeNamesHeld()).isEqualTo(NewAuthors.MAX_NAMED);
    theHubsAuthorsComeAllFree();
  }

  @Test
  void twoSourcesFillingTheTableGiveNamesUpToAnHonestHubUnderItsShare() {
    mesh.source("evil1", "2001:db8:6:1::/64").source("evil2", "2001:db8:6:2::/64");
    hostileLinksName();
    assertThat(nc.room.freeNamesHeld()).as("full").isEqualTo(NewAuthors.MAX_NAMED_TOTAL);
    theHubsAuthorsComeAllFree();
    assertThat(nc.room.freeNamesOf("2001:db8:6:1::/64") + nc.room.freeNamesOf("2001:db8:6:2::/64"))
        .as("the hostile sources gave up one name for each of the hub's, now stored")
        .isEqualTo(NewAuthors.MAX_NAMED_TOTAL - AUTHORS);
  }
}

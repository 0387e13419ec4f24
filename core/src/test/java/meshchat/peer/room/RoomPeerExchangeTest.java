package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.LinkMessage.PeerList;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * Peer exchange at scale: the link-count cap, debounced PeerLists, forwarding in a partial mesh.
 */
class RoomPeerExchangeTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 1_000);
  static final String[] NAMES = {"hub", "a", "b", "c", "d", "e", "f"};

  private static List<PeerAddress> addresses(Mesh mesh, String... names) {
    List<PeerAddress> out = new ArrayList<>();
    for (String n : names) {
      out.add(mesh.peer(n).address());
    }
    return out;
  }

  @Test
  void aPeerListOffersEachUnlinkedPeerOnceUntilTheListChanges() {
    Mesh mesh = new Mesh(CONFIG, NAMES).link("hub", "a").link("hub", "b").pump();
    Peer hub = mesh.peer("hub");

    mesh.inject("a", "hub", new PeerList(addresses(mesh, "hub", "b", "c", "d")));
    mesh.pump();
    // the cap is membership's business (MembershipTest): the room offers every peer named that
    // is neither itself nor linked, and leaves the choice to membership
    assertThat(hub.dials).containsExactlyInAnyOrderElementsOf(addresses(mesh, "c", "d"));

    mesh.inject("a", "hub", new PeerList(addresses(mesh, "hub", "b", "c", "d")));
    mesh.pump();
    assertThat(hub.dials).as("the same list again offers nothing new").hasSize(2);
  }

  @Test
  void aListOffersEveryoneNamed() {
    Mesh mesh = new Mesh(CONFIG, NAMES).link("hub", "a").pump();
    mesh.inject("a", "hub", new PeerList(addresses(mesh, "b", "c", "d", "e", "f")));
    mesh.pump();
    assertThat(mesh.peer("hub").dials)
        .containsExactlyInAnyOrderElementsOf(addresses(mesh, "b", "c", "d", "e", "f"));
  }

  @Test
  void aBurstOfLinkChangesIsAnnouncedOncePerLink() {
    Mesh mesh = new Mesh(CONFIG, NAMES);
    for (String n : List.of("a", "b", "c", "d", "e", "f")) {
      mesh.link("hub", n);
    }
    mesh.pump();
    // each new link hears the hub's links at once; nobody else hears anything yet
    assertThat(mesh.sentOf(PeerList.class, mesh.from("hub"))).hasSize(6);

    mesh.run(CONFIG.peerListDelayMs());
    // then one list to each link that has not heard the final one (all but the last): 6 + 5,
    // where announcing every change to every link would have cost 1 + 2 + ... + 6 = 21
    List<PeerList> sent = mesh.sentOf(PeerList.class, mesh.from("hub"));
    assertThat(sent).hasSize(11);
    for (String n : List.of("a", "b", "c", "d", "e", "f")) {
      List<PeerList> heard = mesh.sentOf(PeerList.class, mesh.from("hub").and(mesh.to(n)));
      assertThat(heard.get(heard.size() - 1).peers())
          .as(n)
          .containsExactlyInAnyOrderElementsOf(addresses(mesh, "a", "b", "c", "d", "e", "f"));
    }

    mesh.run(10_000);
    assertThat(mesh.sentOf(PeerList.class, mesh.from("hub"))).as("nothing changed").hasSize(11);
  }

  @Test
  void floodingPrunedByTwoHopKnowledgeStillReachesEveryoneLive() {
    // a sparse connected graph: a ring of 10 plus chords to the peer three ahead
    String[] names = new String[10];
    for (int i = 0; i < names.length; i++) {
      names[i] = "p" + i;
    }
    Mesh mesh = new Mesh(CONFIG, names);
    for (int i = 0; i < names.length; i++) {
      mesh.link(names[i], names[(i + 1) % names.length]);
      mesh.link(names[i], names[(i + 3) % names.length]);
    }
    mesh.run(CONFIG.peerListDelayMs()).pump();

    List<MessageId> sent = new ArrayList<>();
    for (Peer p : mesh.peers()) {
      sent.add(p.send("from " + p.name).id());
    }
    // live forwarding and the trees' lazy ids and grafts, well before the first digest
    mesh.run(Broadcast.IHAVE_DELAY_MS + Broadcast.GRAFT_TIMEOUT_MS + 2 * Broadcast.GRAFT_RETRY_MS);

    for (Peer p : mesh.peers()) {
      assertThat(p.shownIds()).as(p.name).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(p.deliveries).as(p.name + ": none by anti-entropy").noneMatch(Delivery::catchUp);
    }
    // plain flooding sends each message over every one of the 20 links in both directions
    // (40 sends, 400 for 10 messages); the two-hop rule must do clearly better
    assertThat(mesh.sentOf(Chat.class)).hasSizeLessThan(300);
  }

  @Test
  void aListNamingThisPeerOrAnUnreachablePeerDialsNothing() {
    Mesh mesh = new Mesh(CONFIG, NAMES).link("hub", "a").pump();
    PeerAddress noPort = new PeerAddress(PeerId.of(new byte[] {9}), "x", "", 0);
    mesh.inject("a", "hub", new PeerList(List.of(mesh.peer("hub").address(), noPort)));
    mesh.pump();
    assertThat(mesh.peer("hub").dials).isEmpty();
  }
}

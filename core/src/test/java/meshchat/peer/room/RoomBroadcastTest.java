package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Traffic;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.IHave;
import meshchat.peer.message.LinkMessage.PeerList;
import meshchat.peer.message.LinkMessage.Prune;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/** Epidemic broadcast trees: prune on a duplicate, lazy ids, graft on a missing id. */
class RoomBroadcastTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 60_000);

  /**
   * A triangle a-b-c that just formed: a links to c and talks before c's PeerList tells b. a's own
   * list, announced before its message, tells b that a pushed it to c: b forwards nothing.
   */
  @Test
  void aFormingMeshForwardsNothingOnceTheAuthorsListNamesThePeer() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("a", "b").link("b", "c").pump();
    mesh.link("a", "c");
    MessageId m = mesh.peer("a").send("one").id();
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("b"))).as("b relays nothing").isEmpty();
    assertThat(mesh.sentOf(Prune.class)).as("no duplicate anywhere").isEmpty();
    assertThat(mesh.peer("c").shownIds()).containsExactly(m);
    PeerList told = null; // a's latest list on the link to b when the message went on it
    for (Mesh.Envelope e : mesh.sent) {
      if (mesh.from("a").and(mesh.to("b")).test(e)) {
        if (e.message() instanceof PeerList l) {
          told = l;
        } else if (e.message() instanceof Chat) {
          break;
        }
      }
    }
    assertThat(told.peers())
        .as("a's list naming c went to b before the message")
        .anySatisfy(p -> assertThat(p.peerId()).isEqualTo(mesh.peer("c").id));
  }

  /**
   * A peer that a changes its links and stays quiet announces the change once per delay, not at
   * once: only an own message makes it go early.
   */
  @Test
  void aQuietPeerStillAnnouncesAChangeOncePerDelay() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("a", "b").pump();
    int lists = mesh.sentOf(PeerList.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.link("a", "c").pump();
    assertThat(mesh.sentOf(PeerList.class, mesh.from("a").and(mesh.to("b")))).hasSize(lists);
    mesh.run(CONFIG.peerListDelayMs());
    assertThat(mesh.sentOf(PeerList.class, mesh.from("a").and(mesh.to("b")))).hasSize(lists + 1);
  }

  /**
   * A link that closes and opens again before its close was told changes nothing b's forwarding
   * rule reads: a's next message goes without a list before it, and still nothing is relayed.
   */
  @Test
  void aLinkReopenedWithinTheDelayIsNotAnnouncedEarly() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").fullMesh().pump();
    int lists = mesh.sentOf(PeerList.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.unlink("a", "c").pump();
    mesh.link("a", "c").pump();
    MessageId m = mesh.peer("a").send("one").id();
    mesh.pump();
    assertThat(mesh.sentOf(PeerList.class, mesh.from("a").and(mesh.to("b")))).hasSize(lists);
    assertThat(mesh.sentOf(Chat.class, mesh.from("b"))).isEmpty();
    assertThat(mesh.peer("c").shownIds()).containsExactly(m);
  }

  /**
   * A triangle a-b-c: c gets a's message from a and a copy from b, as a peer whose knowledge of a's
   * links is stale relays it (two hops from the author, or a list sampled in a big room).
   */
  @Test
  void aDuplicateMakesTheSecondLinkLazyOnBothEnds() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("a", "b").link("b", "c").pump();
    mesh.link("a", "c");
    ChatMessage one = mesh.peer("a").send("one");
    MessageId first = one.id();
    mesh.pump();
    mesh.inject("b", "c", new Chat(one));
    mesh.pump();
    assertThat(mesh.sentOf(Prune.class))
        .as("c got it from a and from b, which never brought it a first copy: it prunes b whole")
        .singleElement()
        .satisfies(p -> assertThat(p.origins()).isEmpty());

    mesh.run(1_000); // PeerLists settle, IHaves flush
    int copies = copiesSent(mesh);
    mesh.peer("b").send("two");
    mesh.run(1_000);
    for (String n : List.of("a", "b", "c")) {
      assertThat(mesh.peer(n).shownIds()).as(n).hasSize(2).contains(first);
    }
    assertThat(copiesSent(mesh) - copies).as("one copy to each other peer").isEqualTo(2);
  }

  /**
   * A line a-b-c where b has just brought c a first copy; then a links to c and talks, and c gets
   * a's message from a and a copy from b: it prunes b for a's messages only.
   */
  @Test
  void aDuplicateOnALinkThatBringsFirstCopiesPrunesItForTheAuthorOnly() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("a", "b").link("b", "c").pump();
    mesh.peer("b").send("first");
    mesh.pump();
    mesh.link("a", "c");
    ChatMessage twice = mesh.peer("a").send("twice");
    mesh.pump();
    mesh.inject("b", "c", new Chat(twice)); // as a relay whose knowledge of a's links is stale
    mesh.pump();
    assertThat(mesh.peer("c").room.counters().get(Traffic.MESSAGES_DUPLICATE_LIVE))
        .as("the copy is counted as received twice")
        .isEqualTo(1);
    assertThat(mesh.sentOf(Prune.class)).as("it waits for the batch, as ids do").isEmpty();
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    assertThat(mesh.sentOf(Prune.class, mesh.from("c")))
        .singleElement()
        .satisfies(p -> assertThat(p.origins()).containsExactly(mesh.peer("a").id));
  }

  /**
   * A star around a: c and e talk through it to b. b prunes a for c's messages only: c's reach b as
   * ids, e's still come whole. One author's duplicate must not cut the other authors' trees.
   */
  @Test
  void aPruneNamesTheAuthorWhoseTreeItCuts() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "e").link("c", "a").link("e", "a").link("a", "b").pump();
    mesh.peer("c").send("first"); // a stores c's and e's first: a prune names authors a holds
    mesh.peer("e").send("first");
    mesh.pump();
    int before = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).size();
    int ihaves = mesh.sentOf(IHave.class, mesh.from("a")).size();
    mesh.inject("b", "a", new Prune(List.of(mesh.peer("c").id)));
    mesh.pump();
    mesh.peer("c").send("lazy");
    mesh.peer("e").send("eager");
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .hasSize(before + 1)
        .last()
        .satisfies(c -> assertThat(c.message().origin()).isEqualTo(mesh.peer("e").id));
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    assertThat(mesh.sentOf(IHave.class, mesh.from("a")))
        .hasSize(ihaves + 1)
        .last()
        .satisfies(h -> assertThat(h.ids()).containsExactly(new MessageId(mesh.peer("c").id, 2)));
  }

  /**
   * A star around r: y and z talk through r to b1..b4, and b2, b3, b4 prune r for both (their
   * copies came another way): the room's tree at r is the links to y, z and b1. Then x, linked to r
   * alone, writes its first message: r pushes it whole on that tree only and announces it on the
   * other links, instead of flooding every link until x's own tree is cut from the duplicates
   * (Plumtree's tree per sender; on main r sent x's first message whole to all six). b2..b4 still
   * get it: those announced graft it, the last one by digest.
   */
  @Test
  void aNewAuthorsFirstMessageFollowsTheRoomsTreeNotEveryLink() {
    List<String> bs = List.of("b1", "b2", "b3", "b4");
    Mesh mesh = new Mesh(CONFIG, "r", "x", "y", "z", "b1", "b2", "b3", "b4");
    for (String n : List.of("x", "y", "z", "b1", "b2", "b3", "b4")) {
      mesh.link("r", n);
    }
    mesh.pump();
    mesh.peer("y").send("y's");
    mesh.peer("z").send("z's");
    mesh.pump();
    for (String b : List.of("b2", "b3", "b4")) {
      mesh.inject(b, "r", new Prune(List.of(mesh.peer("y").id, mesh.peer("z").id)));
    }
    mesh.run(1_000); // PeerLists settle, IHaves flush
    MessageId first = mesh.peer("x").send("x's first").id();
    mesh.pump();
    List<PeerId> whole = new ArrayList<>();
    for (Mesh.Envelope e : mesh.sent) {
      if (mesh.from("r").test(e)
          && e.message() instanceof Chat c
          && c.message().id().equals(first)) {
        whole.add(e.to());
      }
    }
    assertThat(whole)
        .as("x's first message goes whole on the room's tree: to y, z and b1")
        .containsExactlyInAnyOrder(mesh.peer("y").id, mesh.peer("z").id, mesh.peer("b1").id);
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    List<MessageId> announced = new ArrayList<>();
    mesh.sentOf(IHave.class, mesh.from("r")).forEach(h -> announced.addAll(h.ids()));
    assertThat(announced).as("and as an id on the lazy fanout").containsOnly(first);
    assertThat(announced).hasSize(Broadcast.LAZY_FANOUT);
    mesh.run(CONFIG.syncIntervalMs() * 2);
    for (String b : bs) {
      assertThat(mesh.peer(b).shownIds()).as(b).contains(first);
    }
  }

  /**
   * A prune naming an author a holds nothing of changes nothing (no stranger grows a's per-author
   * state past the authors it stores): that author's first message still goes whole.
   */
  @Test
  void aPruneForAnAuthorNotHeldIsIgnored() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "e").link("c", "a").link("e", "a").link("a", "b").pump();
    mesh.inject("b", "a", new Prune(List.of(mesh.peer("c").id)));
    mesh.pump();
    mesh.peer("c").send("whole");
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .singleElement()
        .satisfies(c -> assertThat(c.message().origin()).isEqualTo(mesh.peer("c").id));
  }

  /**
   * A line c-a-b with b pruned for c and for e: a graft for c's message puts the link back on c's
   * tree only, and e's messages still go as ids.
   */
  @Test
  void aGraftPutsTheLinkBackOnTheTreesOfTheAuthorsItNames() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "e").link("c", "a").link("e", "a").link("a", "b").pump();
    mesh.peer("c").send("first"); // a stores c's and e's first: a prune names authors a holds
    mesh.peer("e").send("first");
    mesh.pump();
    mesh.inject("b", "a", new Prune(List.of(mesh.peer("c").id)));
    mesh.inject("b", "a", new Prune(List.of(mesh.peer("e").id)));
    mesh.pump();
    MessageId lost = mesh.peer("c").send("announced").id();
    mesh.pump();
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS + Broadcast.IHAVE_DELAY_MS + 1);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b")))
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).containsExactly(lost));
    int before = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.peer("c").send("on the tree");
    mesh.peer("e").send("still lazy");
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .hasSize(before + 1)
        .last()
        .satisfies(c -> assertThat(c.message().origin()).isEqualTo(mesh.peer("c").id));
  }

  /**
   * A line c-a-b, e also behind a, with a-b pruned whole on both ends: b grafts a for c's missing
   * message, and the link is back on c's tree only. Grafted whole, it pushed every author's
   * messages again, and each cost b a copy and a Prune once the tree brought them another way
   * (session 33: a third of a 100-peer room's copies).
   */
  @Test
  void aGraftOnALinkPrunedWholeTakesItBackOnlyForTheAuthorsItNames() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "e").link("c", "a").link("e", "a").link("a", "b").pump();
    mesh.peer("c").send("first"); // a holds both authors
    mesh.peer("e").send("first");
    mesh.pump();
    mesh.inject("b", "a", new Prune());
    mesh.inject("a", "b", new Prune());
    mesh.pump();
    MessageId lost = mesh.peer("c").send("announced").id();
    mesh.pump();
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS + Broadcast.IHAVE_DELAY_MS + 1);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b")))
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).containsExactly(lost));
    assertThat(mesh.peer("b").shownIds()).contains(lost);
    int before = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).size();
    int ids = mesh.sentOf(IHave.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.peer("c").send("on the tree");
    mesh.peer("e").send("still lazy");
    mesh.pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .as("c's next message goes whole, e's as an id")
        .hasSize(before + 1)
        .last()
        .satisfies(c -> assertThat(c.message().origin()).isEqualTo(mesh.peer("c").id));
    assertThat(mesh.sentOf(IHave.class, mesh.from("a").and(mesh.to("b"))))
        .hasSize(ids + 1)
        .last()
        .satisfies(h -> assertThat(h.ids()).containsExactly(new MessageId(mesh.peer("e").id, 2)));
  }

  /**
   * A peer that alternates empty Prunes and Grafts does not have a walk every author each time:
   * within {@link Broadcast#PRUNE_ALL_GAP_MS} of the last such walk, a Graft on a link pruned whole
   * leaves the prunes of that walk as they are, so an author numbered since (f) is still pushed
   * whole; after the gap a Graft walks the authors again and f is only announced.
   */
  @Test
  void aGraftOnALinkPrunedWholeWalksTheAuthorsOnceAGapAtMost() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "f").link("c", "a").link("f", "a").link("a", "b").pump();
    MessageId c1 = mesh.peer("c").send("first").id();
    mesh.pump();
    mesh.inject("b", "a", new Prune());
    mesh.inject("b", "a", new Graft(List.of(c1)));
    mesh.pump();
    mesh.peer("f").send("first"); // f numbered after the walk
    mesh.pump();
    mesh.inject("b", "a", new Prune());
    mesh.inject("b", "a", new Graft(List.of(c1)));
    mesh.pump();
    int before = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.peer("f").send("second");
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .as("the second pair within the gap walks nothing: f's line still pushed")
        .hasSize(before + 1)
        .last()
        .satisfies(m -> assertThat(m.message().origin()).isEqualTo(mesh.peer("f").id));
    mesh.run(Broadcast.PRUNE_ALL_GAP_MS);
    mesh.inject("b", "a", new Prune());
    mesh.inject("b", "a", new Graft(List.of(c1)));
    mesh.pump();
    int after = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).size();
    mesh.peer("f").send("third");
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))))
        .as("after the gap the Graft walks the authors: f's line only announced")
        .hasSize(after);
  }

  /**
   * A triangle a-b-c, and d behind c: c gets a's message from a and a copy from b, and prunes b
   * whole. That stops b pushing to c, not c pushing to b: whether b needs c's copies is b's to say
   * (by its own duplicates). c relays d's next message to b whole; b, told, relays only ids to c.
   */
  @Test
  void aPruneWholeStopsOnlyTheLinkPeerThatItWasSentTo() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "d").link("a", "b").link("b", "c").link("d", "c").pump();
    mesh.link("a", "c");
    ChatMessage one = mesh.peer("a").send("one");
    mesh.pump();
    mesh.inject("b", "c", new Chat(one));
    mesh.pump();
    assertThat(mesh.sentOf(Prune.class, mesh.from("c").and(mesh.to("b"))))
        .singleElement()
        .satisfies(p -> assertThat(p.origins()).isEmpty());
    mesh.run(1_000); // PeerLists settle
    int toB = mesh.sentOf(Chat.class, mesh.from("c").and(mesh.to("b"))).size();
    MessageId fromD = mesh.peer("d").send("through c").id();
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class, mesh.from("c").and(mesh.to("b"))))
        .as("c still pushes to b")
        .hasSize(toB + 1)
        .last()
        .satisfies(c -> assertThat(c.message().id()).isEqualTo(fromD));
    assertThat(mesh.peer("b").shownIds()).contains(fromD);
  }

  /**
   * A square c-a-b-d-c, and e behind d: b gets c's messages first from a and e's from d, so it
   * prunes d for c only. When a-b breaks, b's tree for c is cut at b: it grafts c on d at once
   * (naming c's next message), and c's next message comes whole through d, with no IHave and no
   * graft timeout in between.
   */
  @Test
  void losingTheLinkThatBroughtAnAuthorsFirstCopiesRegraftsThatAuthorAtOnce() {
    Mesh mesh = square("d");
    mesh.peer("e").send("d is on e's tree at b");
    mesh.pump();
    MessageId first = firstThroughA(mesh);
    assertThat(mesh.sentOf(Prune.class, mesh.from("b").and(mesh.to("d"))))
        .singleElement()
        .satisfies(p -> assertThat(p.origins()).containsExactly(mesh.peer("c").id));

    mesh.unlink("a", "b");
    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("d"))))
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).containsExactly(new MessageId(mesh.peer("c").id, 2)));
    mesh.pump();
    MessageId next = mesh.peer("c").send("now through d").id();
    mesh.pump();
    assertThat(mesh.peer("b").shownIds()).contains(first, next);
  }

  /**
   * A square c-a-b-d-c, and e linked to b. b is on c's tree through a. While c's next message is on
   * its way (held on a-b, and on d-b, which could announce it), e's digest names it: b does not
   * race the tree with a request. Once the tree had a graft's time to bring it, b grafts e (the
   * digest is an IHave), and asks e by SyncRequest only when the graft did not bring it either.
   */
  @Test
  void aDigestNamingAnAuthorsLatestMessageWaitsForTheTreeThenGraftsThenAsks() {
    Mesh mesh = treeThroughA();
    mesh.block("a", "b").block("d", "b");
    MessageId next = mesh.peer("c").send("on its way").id();
    mesh.pump();
    mesh.inject("e", "b", digestOfC(mesh, 2));
    mesh.pump();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("e")))).isEmpty();

    mesh.run(AntiEntropy.TREE_WAIT_MS);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("e"))))
        .as("the tree did not bring it in time: b grafts the link whose digest named it")
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).containsExactly(next));
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();

    mesh.run(Broadcast.GRAFT_RETRY_MS); // e does not hold it (the digest was a claim): no answer
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b").and(mesh.to("e"))))
        .as("the graft did not bring it either: anti-entropy does")
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.wants())
                    .singleElement()
                    .satisfies(
                        w -> {
                          assertThat(w.origin()).isEqualTo(next.origin());
                          assertThat(w.range().first()).isEqualTo(next.seq());
                        }));
  }

  /**
   * b lags behind c's stream (30 messages on their way from its parent a, more than a few) when e's
   * digest names them all: while a, which brought c's latest first copy, is up, the stream gets the
   * tree's time too, and what a brings in it is never asked for (each asked message would come
   * twice: a busy full mesh refetched thousands so).
   */
  @Test
  void aStreamOnItsWayFromTheParentIsNotAskedForWhenADigestNamesIt() {
    Mesh mesh = treeThroughA();
    mesh.block("a", "b").block("d", "b");
    List<MessageId> stream = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      stream.add(mesh.peer("c").send("stream " + i).id());
    }
    mesh.pump();
    mesh.inject("e", "b", digestOfC(mesh, 31));
    mesh.pump();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
    mesh.unblock("a", "b").pump();
    mesh.run(AntiEntropy.TREE_WAIT_MS * 2);
    for (MessageId id : stream) {
      assertThat(mesh.peer("b").deliveryOf(id).catchUp()).as("%s by the tree", id).isFalse();
    }
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
  }

  /** As above, but the tree brings the message within the wait: it is shown live, never asked. */
  @Test
  void aMessageTheTreeBringsWithinTheWaitIsNeverAskedFor() {
    Mesh mesh = treeThroughA();
    mesh.block("a", "b");
    MessageId next = mesh.peer("c").send("on its way").id();
    mesh.pump();
    mesh.inject("e", "b", digestOfC(mesh, 2));
    mesh.pump();
    mesh.unblock("a", "b").pump();
    mesh.run(AntiEntropy.TREE_WAIT_MS * 2);
    assertThat(mesh.peer("b").deliveryOf(next).catchUp()).isFalse();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
  }

  /**
   * b's parent on c's tree is gone (a-b closed; d, its other way to c, is cut off too): nothing of
   * c is on its way to b. When e's digest names c's next message, b grafts e for it at once,
   * without waiting for a tree that is not there; e holds it and answers, and b shows it live.
   */
  @Test
  void aDigestNamingAnAuthorWhoseTreeLostItsParentHereGraftsThatLinkAtOnce() {
    Mesh mesh =
        new Mesh(CONFIG, "a", "b", "c", "d", "e")
            .link("c", "a")
            .link("a", "b")
            .link("b", "d")
            .link("d", "c")
            .run(CONFIG.peerListDelayMs());
    firstThroughA(mesh);
    mesh.link("e", "b").pump(); // e catches up on c from b: it is on nobody's tree of c
    mesh.block("d", "b").block("b", "d");
    mesh.unlink("a", "b").pump();
    MessageId next = mesh.peer("c").send("b has no way in by the tree").id();
    mesh.pump();
    mesh.link("e", "c").pump(); // e catches up on c again: it holds the message, pushes nothing
    assertThat(mesh.peer("e").shownIds()).contains(next);
    assertThat(mesh.peer("b").shownIds()).doesNotContain(next);
    int grafts = mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("e"))).size();

    mesh.inject("e", "b", digestOfC(mesh, 2)); // e's next digest
    mesh.pump();
    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("e"))))
        .hasSize(grafts + 1)
        .last()
        .satisfies(g -> assertThat(g.ids()).containsExactly(next));
    assertThat(mesh.peer("b").deliveryOf(next).catchUp()).as("by the tree, grafted").isFalse();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
  }

  /**
   * A digest naming an author b never heard of: on a link whose first (complete) digest b has
   * already taken in, it is news of live messages and waits for the tree like any author's latest;
   * on a new link, whose complete digest tells b what it missed, it is a catch-up, asked at once.
   */
  @Test
  void aNewAuthorNamedOnASettledLinkWaitsForTheTreeButOnANewLinkIsAskedAtOnce() {
    Mesh mesh = treeThroughA();
    PeerId stranger = new Mesh(CONFIG, "f").peer("f").id;
    SeqSet one = new SeqSet();
    one.addRange(1, 1);
    Digest news = new Digest(List.of(new DigestEntry(stranger, one, 0, null)), false);
    mesh.inject("e", "b", news);
    mesh.pump();
    assertThat(mesh.sentOf(SyncRequest.class, mesh.from("b"))).isEmpty();
    mesh.run(AntiEntropy.TREE_WAIT_MS);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("e"))))
        .last()
        .satisfies(g -> assertThat(g.ids()).containsExactly(new MessageId(stranger, 1)));

    Mesh fresh = new Mesh(CONFIG, "x", "y").link("x", "y");
    fresh.inject("y", "x", new Digest(List.of(new DigestEntry(stranger, one, 0, null)), true));
    fresh.pump();
    assertThat(fresh.sentOf(SyncRequest.class, fresh.from("x").and(fresh.to("y"))))
        .as("a new link's complete digest: a catch-up, not slowed by the tree's wait")
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.wants())
                    .singleElement()
                    .satisfies(w -> assertThat(w.origin()).isEqualTo(stranger)));
  }

  /** c-a-b-d-c and e-b, where b got c's first message from a first. */
  private static Mesh treeThroughA() {
    Mesh mesh = square("b");
    firstThroughA(mesh);
    assertThat(mesh.sentOf(SyncRequest.class)).isEmpty();
    return mesh;
  }

  /** A square c-a-b-d-c, and e linked to {@code eLinkedTo}, with PeerLists exchanged. */
  private static Mesh square(String eLinkedTo) {
    return new Mesh(CONFIG, "a", "b", "c", "d", "e")
        .link("c", "a")
        .link("a", "b")
        .link("b", "d")
        .link("d", "c")
        .link("e", eLinkedTo)
        .run(CONFIG.peerListDelayMs());
  }

  /** c talks; b gets it through a first, then through d, and the IHaves and Prunes go out. */
  private static MessageId firstThroughA(Mesh mesh) {
    mesh.block("d", "b");
    MessageId first = mesh.peer("c").send("first through a").id();
    mesh.pump();
    mesh.unblock("d", "b").pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    return first;
  }

  /** A digest that says its sender holds c's messages 1 to {@code upTo}. */
  private static Digest digestOfC(Mesh mesh, long upTo) {
    SeqSet held = new SeqSet();
    held.addRange(1, upTo);
    return new Digest(List.of(new DigestEntry(mesh.peer("c").id, held, 0, null)), false);
  }

  /** A relay with four links pruned whole announces a message on two of them, not on all four. */
  @Test
  void anIdIsAnnouncedOnAtMostTheLazyFanoutOfLazyLinks() {
    Mesh mesh = new Mesh(CONFIG, "a", "c", "b1", "b2", "b3", "b4").link("c", "a");
    List<String> lazy = List.of("b1", "b2", "b3", "b4");
    for (String b : lazy) {
      mesh.link("a", b);
    }
    mesh.pump();
    for (String b : lazy) {
      mesh.inject(b, "a", new Prune());
    }
    mesh.pump();
    MessageId id = mesh.peer("c").send("relayed").id();
    mesh.pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS);
    List<MessageId> announced = new ArrayList<>();
    mesh.sentOf(IHave.class, mesh.from("a")).forEach(h -> announced.addAll(h.ids()));
    assertThat(announced).hasSize(Broadcast.LAZY_FANOUT).containsOnly(id);
  }

  /** Whole messages sent: pushed as chat, or in a batch answering a graft. */
  private static int copiesSent(Mesh mesh) {
    int n = mesh.sentOf(Chat.class).size();
    for (SyncBatch b : mesh.sentOf(SyncBatch.class)) {
      if (b.requestId() == Room.GRAFT_REPLY) {
        n += b.messages().size();
      }
    }
    return n;
  }

  /** A line c-a-b: a relays c's messages to b, on a link b has pruned. */
  @Test
  void aMissingAnnouncedIdIsGraftedFromItsAnnouncerAfterATimeout() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("c", "a").link("a", "b").pump();
    mesh.inject("b", "a", new Prune()); // a now relays only ids to b
    mesh.pump();
    MessageId id = mesh.peer("c").send("lazy").id();
    mesh.pump();
    assertThat(mesh.peer("b").shownIds()).isEmpty();

    mesh.run(Broadcast.IHAVE_DELAY_MS);
    assertThat(mesh.sentOf(IHave.class, mesh.from("a"))).hasSize(1);
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS + 1);
    assertThat(mesh.sentOf(Graft.class, mesh.from("b")))
        .singleElement()
        .satisfies(g -> assertThat(g.ids()).containsExactly(id));
    assertThat(mesh.peer("b").shownIds()).containsExactly(id);

    // the graft made the link eager again on both ends: the next message comes whole at once
    MessageId next = mesh.peer("c").send("eager").id();
    mesh.pump();
    assertThat(mesh.peer("b").shownIds()).containsExactly(id, next);
  }

  /**
   * An author's own messages go whole on every link, lazy or not: its direct link is the shortest
   * path, and a neighbour that pruned it (a duplicate came another way first) must not wait an
   * IHave and a graft for each of them.
   */
  @Test
  void anAuthorPushesItsOwnMessagesWholeEvenOnAPrunedLink() {
    Mesh mesh = new Mesh(CONFIG, "a", "b").link("a", "b").pump();
    mesh.inject("b", "a", new Prune());
    mesh.pump();
    MessageId id = mesh.peer("a").send("direct").id();
    mesh.pump();
    assertThat(mesh.peer("b").shownIds()).containsExactly(id);
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS * 4);
    assertThat(mesh.sentOf(IHave.class)).isEmpty();
    assertThat(mesh.sentOf(Graft.class)).isEmpty();
  }

  /** A line c-a-b, b pruned: b announced c's message to a first, so a does not announce it back. */
  @Test
  void anIdTheLinkAnnouncedToUsIsNotAnnouncedBack() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("c", "a").link("a", "b").pump();
    mesh.inject("b", "a", new Prune());
    mesh.pump();
    mesh.inject("b", "a", new IHave(List.of(new MessageId(mesh.peer("c").id, 1))));
    mesh.peer("c").send("known");
    mesh.pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS * 2);
    assertThat(mesh.sentOf(IHave.class, mesh.from("a"))).isEmpty();
  }

  /**
   * A line c-a-b, b pruned: b sends a copy before a's announcement leaves, which is then dropped.
   * b's Prune stopped a's pushes, not b's: the copy is a duplicate a never asked b to stop, so a
   * prunes b whole, once.
   */
  @Test
  void aCopyFromTheLinkWithdrawsItsPendingAnnouncement() {
    Mesh mesh = new Mesh(CONFIG, "a", "b", "c").link("c", "a").link("a", "b").pump();
    mesh.inject("b", "a", new Prune());
    mesh.pump();
    ChatMessage m = mesh.peer("c").send("both");
    mesh.pump(); // a relays: an announcement for b waits for the batch
    mesh.inject("b", "a", new Chat(m));
    mesh.pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS * 2);
    assertThat(mesh.sentOf(IHave.class, mesh.from("a"))).isEmpty();
    assertThat(mesh.sentOf(Prune.class, mesh.from("a")))
        .singleElement()
        .satisfies(p -> assertThat(p.origins()).isEmpty());
    mesh.inject("b", "a", new Chat(m));
    mesh.pump();
    mesh.run(Broadcast.IHAVE_DELAY_MS * 2);
    assertThat(mesh.sentOf(Prune.class, mesh.from("a"))).as("told already").hasSize(1);
  }

  @Test
  void anAnnouncedIdThatArrivesOnTheTreeIsNeverGrafted() {
    Mesh mesh = new Mesh(CONFIG, "a", "b").link("a", "b").pump();
    MessageId id = mesh.peer("a").send("x").id();
    mesh.inject("a", "b", new IHave(List.of(id))); // announced and pushed at once
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS * 4);
    assertThat(mesh.sentOf(Graft.class)).isEmpty();
  }

  @Test
  void aFloodOfAnnouncementsHoldsAtMostTheBound() {
    Mesh mesh = new Mesh(CONFIG, "a", "b").link("a", "b").pump();
    PeerId stranger = PeerId.of(new byte[] {7});
    for (int f = 0; f < Broadcast.MAX_MISSING / 256 + 8; f++) {
      List<MessageId> ids = new ArrayList<>();
      for (int i = 1; i <= 256; i++) {
        ids.add(new MessageId(stranger, (long) f * 256 + i));
      }
      mesh.inject("a", "b", new IHave(ids));
    }
    mesh.pump();
    assertThat(mesh.peer("b").room.announcedMissing()).isEqualTo(Broadcast.MAX_MISSING);
    // each is grafted once from its one announcer, then given up: nothing is held for good
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS + Broadcast.GRAFT_RETRY_MS + 10);
    assertThat(mesh.peer("b").room.announcedMissing()).isZero();
  }

  @Test
  void aGraftForMessagesNotHeldSendsNothing() {
    Mesh mesh = new Mesh(CONFIG, "a", "b").link("a", "b").pump();
    int chats = mesh.sentOf(Chat.class).size();
    mesh.inject(
        "b", "a", new Graft(List.of(new MessageId(PeerId.of(new byte[] {9}), WireBounds.MAX_SEQ))));
    mesh.pump();
    assertThat(mesh.sentOf(Chat.class)).hasSize(chats);
  }
}

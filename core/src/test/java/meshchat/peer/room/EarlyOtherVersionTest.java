package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.Unsigned;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md, "Lines shown before their head": rev27 found that when an author shows peer b
 * one line early on its own link (never signed) and signs another version of the same (author,
 * seq), which reaches b by another path within the grace. EarlyLines.taken removes the early line
 * and, the versions differing, Room.emit shows the signed one as a new line: b's screen holds two
 * lines with one id, and the user is never told that the first was never signed (it is no longer in
 * EarlyLines when the link's grace ends) nor that the author showed two versions. The user is now
 * told the line shown was never signed, before the signed one is shown.
 */
class EarlyOtherVersionTest {
  @Test
  void aSignedOtherVersionOfALineShownEarlyIsNotShownAsANewLineSilently() {
    Mesh mesh =
        new Mesh(RoomConfig.defaults().with(d -> d.syncIntervalMs = 200), true, "a", "b", "c")
            .fullMesh();
    mesh.block("a", "b");
    mesh.peer("a").send("signed: meet at 6");
    ChatMessage x = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).get(0).message();
    ChatMessage shownToB =
        new ChatMessage(
            x.id(), x.lamport(), x.wallTimeMs(), x.nick(), "early: meet at 5", x.deps(), x.prev());
    Mesh.Peer b = mesh.peer("b");
    b.room.receive(mesh.peer("a").id, new Unsigned(shownToB));
    assertThat(b.shown()).containsExactly("early: meet at 5");
    mesh.unlink("a", "b"); // no head for it ever comes: the frame layer closes the link
    mesh.run(EarlyLines.GRACE_MS * 3); // c's digest lists x; b fetches it, signed
    assertThat(b.store.get(x.id())).contains(x);
    assertThat(b.shown()).containsExactly("early: meet at 5", "signed: meet at 6");
    assertThat(b.notices(RoomNotice.Unsigned.class))
        .containsExactly(new RoomNotice.Unsigned(mesh.peer("a").id, 1));
  }

  @Test
  void theSameLineSignedIsNeitherShownAgainNorToldOf() {
    Mesh mesh =
        new Mesh(RoomConfig.defaults().with(d -> d.syncIntervalMs = 200), true, "a", "b", "c")
            .fullMesh();
    mesh.block("a", "b");
    mesh.peer("a").send("meet at 6");
    ChatMessage x = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).get(0).message();
    Mesh.Peer b = mesh.peer("b");
    b.room.receive(mesh.peer("a").id, new Unsigned(x));
    mesh.unlink("a", "b");
    mesh.run(EarlyLines.GRACE_MS * 3);
    assertThat(b.store.get(x.id())).contains(x);
    assertThat(b.shown()).containsExactly("meet at 6");
    assertThat(b.notices(RoomNotice.Unsigned.class)).isEmpty();
  }
}

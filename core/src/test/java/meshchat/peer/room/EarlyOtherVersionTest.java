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
  private final Mesh mesh =
      new Mesh(RoomConfig.defaults().with(d -> d.syncIntervalMs = 200), true, "a", "b", "c")
          .fullMesh();
  private final Mesh.Peer b = mesh.peer("b");

  @Test
  void aSignedOtherVersionOfALineShownEarlyIsNotShownAsANewLineSilently() {
    ChatMessage x = signedByAShownToBEarlyAs("signed: meet at 6", "early: meet at 5");
    assertThat(b.store.get(x.id())).contains(x);
    assertThat(b.shown()).containsExactly("early: meet at 5", "signed: meet at 6");
    assertThat(b.notices(RoomNotice.Unsigned.class))
        .containsExactly(new RoomNotice.Unsigned(mesh.peer("a").id, 1));
  }

  @Test
  void theSameLineSignedIsNeitherShownAgainNorToldOf() {
    ChatMessage x = signedByAShownToBEarlyAs("meet at 6", "meet at 6");
    assertThat(b.store.get(x.id())).contains(x);
    assertThat(b.shown()).containsExactly("meet at 6");
    assertThat(b.notices(RoomNotice.Unsigned.class)).isEmpty();
  }

  /**
   * a signs {@code signed}, shows b the same line with {@code early} as its text on their link, and
   * the link goes down with no head; c's digest lists the line, and b fetches it, signed.
   */
  private ChatMessage signedByAShownToBEarlyAs(String signed, String early) {
    mesh.block("a", "b");
    mesh.peer("a").send(signed);
    ChatMessage x = mesh.sentOf(Chat.class, mesh.from("a").and(mesh.to("b"))).get(0).message();
    ChatMessage shownToB =
        new ChatMessage(x.id(), x.lamport(), x.wallTimeMs(), x.nick(), early, x.deps(), x.prev());
    b.room.receive(mesh.peer("a").id, new Unsigned(shownToB));
    assertThat(b.shown()).containsExactly(early);
    mesh.unlink("a", "b"); // no head for it ever comes: the frame layer closes the link
    mesh.run(EarlyLines.GRACE_MS * 3);
    return x;
  }
}

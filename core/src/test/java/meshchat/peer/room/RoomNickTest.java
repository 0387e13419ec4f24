package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.room.Mesh.Peer;
import org.junit.jupiter.api.Test;

/**
 * A nick change is a message of its own kind in the author's chain: every peer, live or catching
 * up, shows the same nick history in the same place among the lines.
 */
class RoomNickTest {
  static final RoomConfig CONFIG = RoomConfig.defaults().with(d -> d.syncIntervalMs = 1_000);

  /** "nick: text" per line, "-> nick" per nick change, in the order {@code p} showed them. */
  private static List<String> timeline(Peer p) {
    return p.deliveries.stream()
        .map(Delivery::message)
        .map(m -> m.isNickChange() ? "-> " + m.nick() : m.nick() + ": " + m.text())
        .toList();
  }

  @Test
  void everyPeerShowsTheSameNickHistoryInTheSamePlace() {
    Mesh mesh = new Mesh(CONFIG, true, "alice", "bob", "carol").link("alice", "bob").pump();
    Peer alice = mesh.peer("alice");
    alice.send("before");
    ChatMessage change = alice.room.changeNick("alicia");
    alice.commitNow();
    alice.send("after");
    mesh.pump();

    assertThat(change.kind()).isEqualTo(ChatMessage.Kind.NICK);
    assertThat(change.text()).isEmpty();
    List<String> expected = List.of("alice: before", "-> alicia", "alicia: after");
    assertThat(timeline(alice)).isEqualTo(expected);
    assertThat(timeline(mesh.peer("bob"))).isEqualTo(expected);
    assertThat(alice.room.nick()).isEqualTo("alicia");

    // a late joiner gets it by catch-up, from history, in the same place
    mesh.link("carol", "bob").pump().run(3_000);
    assertThat(timeline(mesh.peer("carol"))).isEqualTo(expected);
    assertThat(mesh.peer("carol").deliveries).allMatch(Delivery::catchUp);
    assertThat(mesh.peer("carol").store.get(change.id())).contains(change);
  }

  @Test
  void aRestartUnderAnotherNickIsAnnouncedAsANickChange() {
    Mesh mesh = new Mesh(CONFIG, true, "alice", "bob").link("alice", "bob").pump();
    Peer alice = mesh.peer("alice");
    alice.send("hi");
    mesh.pump();
    alice.nick = "al";
    alice.restart();
    mesh.link("alice", "bob").pump().run(3_000);
    alice.commitNow();
    mesh.pump();
    alice.send("back");
    mesh.pump().run(3_000);
    assertThat(timeline(mesh.peer("bob"))).containsExactly("alice: hi", "-> al", "al: back");

    // the same nick again: nothing to announce
    alice.restart();
    mesh.link("alice", "bob").pump().run(3_000);
    alice.commitNow();
    mesh.pump();
    assertThat(timeline(mesh.peer("bob"))).hasSize(3);
  }

  @Test
  void aNickIsOneToTheWiresLimitInBytesAndNeverCarriesText() {
    Mesh mesh = new Mesh(CONFIG, true, "alice");
    Room room = mesh.peer("alice").room;
    assertThatThrownBy(() -> room.changeNick("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> room.changeNick("é".repeat(Room.MAX_NICK_BYTES / 2 + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(room.changeNick("é".repeat(Room.MAX_NICK_BYTES / 2))).isNotNull();
    assertThatThrownBy(
            () ->
                new ChatMessage(
                    new MessageId(mesh.peer("alice").id, 9),
                    1,
                    0,
                    "n",
                    "text",
                    List.of(),
                    new byte[0],
                    ChatMessage.Kind.NICK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

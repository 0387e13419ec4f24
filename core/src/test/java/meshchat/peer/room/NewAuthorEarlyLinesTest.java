package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.Unsigned;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * fix34 follow-up (rev34 "suspected"). A new member's lines shown early, on her own link before her
 * signed head ({@link EarlyLines}), are not stored, so each found her "new" ({@code holdings}
 * empty) and charged her own source one new author: with a budget of two, her third line was
 * refused ({@code new_author}) and she was held for an hour, on her own link. An author is one new
 * author however many of her lines come before her head, and the head storing them charges nothing
 * more.
 */
class NewAuthorEarlyLinesTest {
  @Test
  void aNewMembersEarlyLinesAreOneNewAuthorOfHerSource() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(d -> d.newAuthorsPerSource = 2)
            .with(d -> d.syncIntervalMs = 200);
    Mesh mesh = new Mesh(config, true, "alice", "bob", "vic");
    Mesh.Peer vic = mesh.peer("vic");
    Mesh.Peer alice = mesh.peer("alice");
    mesh.link("vic", "bob");
    mesh.peer("bob").send("hello");
    mesh.run(1_000);
    assertThat(vic.shown()).containsExactly("hello"); // vic is no newcomer: new authors are charged

    mesh.link("vic", "alice").run(1_000);
    mesh.block("alice", "vic");
    for (int i = 1; i <= 3; i++) {
      alice.send("a" + i);
    }
    List<Chat> lines = mesh.sentOf(Chat.class, mesh.from("alice").and(mesh.to("vic")));
    assertThat(lines).hasSize(3);
    for (Chat c : lines) {
      vic.room.receive(alice.id, new Unsigned(c.message())); // shown early, on her own link
    }
    assertThat(vic.shown())
        .as("new_author refusals %d", vic.room.counters().get(Counter.NEW_AUTHOR))
        .containsExactly("hello", "a1", "a2", "a3");

    mesh.unblock("alice", "vic");
    mesh.run(2_000); // her head comes: the lines are stored
    assertThat(vic.history()).hasSize(4);
    // her source spent one of its two: a second new author it brings is still admitted
    ChatMessage dave = chat(PeerId.fromHex("da7e"), 1, 50);
    mesh.inject("alice", "vic", new SyncBatch(99, List.of(dave), true, List.of()));
    mesh.pump();
    assertThat(vic.store.get(dave.id()))
        .as(
            "a second new author of alice's source (new_author refusals %d)",
            vic.room.counters().get(Counter.NEW_AUTHOR))
        .contains(dave);
  }
}

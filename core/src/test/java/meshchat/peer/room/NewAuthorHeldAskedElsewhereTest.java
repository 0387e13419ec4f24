package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.LinkMessage.SyncRequest;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * fix34 follow-up. A new author refused by a spent source is held for that source only
 * (NewAuthorHeldByRelayTest), but nothing of her was asked for from anyone for the hour ({@code
 * AntiEntropy.belowQuota} dropped every range of a held author): a link of another source whose
 * digest named her lines, with its budget whole, was not asked, and her history reached the peer
 * only if she spoke live meanwhile. Links of other sources are asked for her; the refused source's
 * are not.
 */
class NewAuthorHeldAskedElsewhereTest {
  @Test
  void aNewAuthorHeldForASpentRelayIsAskedOfAnotherSourceThatNamesHer() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    Mesh mesh = new Mesh(config, "alice", "bob", "mal", "vic");
    Mesh.Peer vic = mesh.peer("vic");
    mesh.link("mal", "vic").run(1_000);
    mesh.peer("mal").send("hi");
    mesh.run(70_000); // vic stores another author's line; the naming minute is over

    // mal spends its source's budget on 64 throwaway keys, one line each
    List<ChatMessage> keys = new ArrayList<>();
    for (int i = 0; i < RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE; i++) {
      keys.add(chat(PeerId.of(new byte[] {(byte) 0xee, (byte) i, 1}), 1, 10 + i));
    }
    mesh.inject("mal", "vic", new SyncBatch(1, keys, true, List.of()));
    mesh.run(1_000);

    // alice, new to the room, talks with mal and bob; mal relays her first line to vic: held
    mesh.link("alice", "mal").link("alice", "bob").run(1_000);
    ChatMessage first = mesh.peer("alice").send("alice here");
    mesh.peer("alice").send("and here");
    mesh.run(1_000);
    mesh.inject("mal", "vic", new SyncBatch(2, List.of(first), true, List.of()));
    mesh.run(1_000);
    assertThat(vic.room.counters().get(Counter.NEW_AUTHOR)).as("alice held for mal").isPositive();
    int scanned = mesh.sent.size();

    // bob, who holds her lines (no live push: he links vic after she spoke), names them
    mesh.link("bob", "vic").run(4 * config.syncIntervalMs());

    assertThat(vic.shown())
        .as("vic's lines (new_author refusals %d)", vic.room.counters().get(Counter.NEW_AUTHOR))
        .contains("alice here", "and here");
    PeerId alice = mesh.peer("alice").id;
    assertThat(mesh.sent.subList(scanned, mesh.sent.size()))
        .as("mal's links are not asked for her")
        .noneMatch(
            e ->
                e.from().equals(vic.id)
                    && e.to().equals(mesh.peer("mal").id)
                    && e.message() instanceof SyncRequest r
                    && r.wants().stream().anyMatch(w -> w.origin().equals(alice)));
  }
}

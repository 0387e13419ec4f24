package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING. A new origin refused by a spent source is held room-wide ({@code
 * AuthorQuota.holdNew}): {@code Room.charged} refuses it whatever link brings it while the hold
 * lasts (an hour). So a member whose source spent its budget (64 throwaway keys, one line each)
 * that relays an honest newcomer's first line ahead of her makes every line of hers refused at the
 * victim for an hour, even those that come on her own link, from her own address with its whole
 * budget. docs/security.md says a new origin is "charged to the source of the link that brings its
 * first message" and "decided again by the link that brings it": her own link never decides.
 */
class NewAuthorHeldByRelayTest {
  @Test
  void aNewcomersLinesOnHerOwnLinkAreShownThoughASpentRelayBroughtHerFirstLine() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    Mesh mesh = new Mesh(config, "alice", "mal", "vic");
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

    // alice, new to the room, links mal first; mal relays her first line to vic
    mesh.link("alice", "mal").run(1_000);
    ChatMessage first = mesh.peer("alice").send("alice here");
    mesh.run(1_000);
    mesh.inject("mal", "vic", new SyncBatch(2, List.of(first), true, List.of()));
    mesh.run(1_000);

    // then alice links vic herself, from her own address, and writes
    mesh.link("alice", "vic").run(5_000);
    mesh.peer("alice").send("anyone?");
    mesh.run(10_000);

    assertThat(vic.shown())
        .as("vic's lines (new_author refusals %d)", vic.room.counters().get(Counter.NEW_AUTHOR))
        .contains("alice here", "anyone?");
  }
}

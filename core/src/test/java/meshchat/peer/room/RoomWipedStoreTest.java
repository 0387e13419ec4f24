package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.fixture.room.SendsOnly;
import meshchat.fixture.time.NoTimers;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * Regression, found by the testkit simulation (crash with a wiped store, then restart): the peer
 * caught up its own old messages from others but kept counting its seq from 0, so its next message
 * reused seq 1 and every other peer reported a fork.
 */
class RoomWipedStoreTest {
  private static final PeerId ME = PeerId.fromHex("0a0a0a0a");
  private static final PeerId OTHER = PeerId.fromHex("0b0b0b0b");

  private static Room room(InMemoryMessageStore store, List<LinkMessage> sent) {
    RoomEffects effects = new SendsOnly(sent);
    return new Room(
        RoomConfig.defaults(),
        ME,
        "me",
        store,
        effects,
        NoTimers.INSTANCE,
        InstantSource.fixed(Instant.EPOCH),
        new SplittableRandom(1),
        new Counters(),
        MessageSigner.NONE);
  }

  @Test
  void aPeerThatLostItsStoreNeverReusesASeqItLearnsFromOthers() {
    Room before = room(new InMemoryMessageStore(), new ArrayList<>());
    before.start(true);
    ChatMessage first = before.send("before the crash");
    before.durable();

    Room after = room(new InMemoryMessageStore(), new ArrayList<>()); // data directory wiped
    // skip the self-fork check (Outbox) on purpose: the belt and braces in admit() alone
    after.start(true);
    after.linkUp(new PeerAddress(OTHER, "other", "h", 1), 5);
    after.receive(OTHER, new LinkMessage.Chat(first)); // a peer hands our old message back

    ChatMessage next = after.send("after the restart");
    after.durable();
    assertThat(next.id().seq()).isEqualTo(first.id().seq() + 1);
  }
}

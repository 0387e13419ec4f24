package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.Test;

/**
 * rev34 FINDING. docs/security.md, "New authors per source": a new origin past its source's budget
 * is held "for an hour", and the budget's "time is the author quota's: a clock set back frees
 * nothing, one set far forward and back leaves the day rolling with real time". The budget does;
 * the hold does not: {@code Room.charged} holds it until {@code wallClock.millis() + RETRY_MS} and
 * {@code AuthorQuota.releaseNew} compares that with the raw wall clock. A hold placed while the
 * clock was set far forward (a wrong year, fixed by NTP) lasts until the clock comes back there:
 * years. The source's day rolls on, its budget comes back, and the author is still refused.
 */
class NewAuthorHoldClockTest {
  private static final long HOUR = 3_600_000L;
  private static final long TEN_YEARS = 10L * 365 * 24 * HOUR;

  @Test
  void aNewAuthorHeldWhileTheClockWasFarAheadIsAdmittedADayAfterTheClockCameBack() {
    RoomConfig config =
        RoomConfig.defaults()
            .with(d -> d.newAuthorsPerSource = RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    Mesh mesh = new Mesh(config, "alice", "mal", "vic");
    long[] offset = {0};
    InstantSource vicClock =
        new InstantSource() {
          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(millis());
          }

          @Override
          public long millis() {
            return mesh.wallClock.millis() + offset[0];
          }
        };
    Mesh.Peer vic = mesh.peer("vic");
    vic.store = new InMemoryMessageStore();
    vic.room =
        new Room(
            config,
            vic.id,
            "vic",
            vic.store,
            vic,
            mesh.scheduler,
            vicClock,
            new SplittableRandom(1),
            new Counters(),
            MessageSigner.NONE);
    vic.room.start(true);
    mesh.link("mal", "vic").run(1_000);
    mesh.peer("mal").send("hi");
    mesh.run(70_000);
    assertThat(vic.shown()).contains("hi");

    offset[0] = TEN_YEARS; // vic's clock is set ten years ahead
    mesh.run(10_000);
    List<ChatMessage> keys = new ArrayList<>();
    for (int i = 0; i < RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE; i++) {
      keys.add(chat(PeerId.of(new byte[] {(byte) 0xee, (byte) i, 1}), 1, 10 + i));
    }
    mesh.inject("mal", "vic", new SyncBatch(1, keys, true, List.of()));
    mesh.run(1_000);
    // mal's source has spent its day: alice's first line through it is held (an hour)
    ChatMessage first = chat(PeerId.fromHex("a11ce0"), 1, 200);
    mesh.inject("mal", "vic", new SyncBatch(2, List.of(first), true, List.of()));
    mesh.run(1_000);
    assertThat(vic.shownIds()).as("alice held as a new author").doesNotContain(first.id());

    offset[0] = 0; // the clock is put right
    mesh.run(25 * HOUR); // a day and an hour: mal's day has rolled, the hold is long over
    mesh.inject("mal", "vic", new SyncBatch(3, List.of(first), true, List.of()));
    mesh.run(10_000);
    assertThat(vic.shownIds())
        .as("new_author refusals %d", vic.room.counters().get(Counter.NEW_AUTHOR))
        .contains(first.id());
  }
}

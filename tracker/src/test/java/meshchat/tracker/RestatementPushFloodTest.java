package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.proto.v1.MemberJoined;
import meshchat.tracker.client.MemberStatements;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * (rev31) A registered member that registers again on its own session with a fresh statement (a new
 * signing time, or another nick) is pushed to every other member of the room as a MemberJoined,
 * each time: the tracker sends one frame per member per Register, and every member checks its
 * Ed25519 signature. Registers are limited only to 10/s per session after a burst of 64, and one
 * source address may hold 16 members of a room, so one address makes the tracker send 160 pushes a
 * second (1,024 at once) to each member of a room of up to 1,000, about 40 MB/s of tracker output
 * from 16 sessions and 160 signature checks a second on every member, for as long as it likes; a
 * room full of such keys (its network's share) multiplies that. An honest peer signs afresh every
 * 20 minutes.
 */
class RestatementPushFloodTest {
  private static final int RESTATEMENTS = 40; // inside one session's burst of 64
  private static final int LISTENERS = 8;

  private static <T> T done(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneMembersRestatementsAreNotEachPushedToTheWholeRoom() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<TrackerClient> clients = new ArrayList<>();
    try (TrackerServer server = TrackerServer.start(TrackerConfig.localTest())) {
      TestKeys mallory = new TestKeys();
      ByteString malloryId = ByteString.copyFrom(mallory.id);
      String last = "mal" + RESTATEMENTS;
      // honest members of the room; listener 0 records what it is pushed about mallory
      List<MemberJoined> toBob = new CopyOnWriteArrayList<>();
      AtomicLong pushedToAll = new AtomicLong();
      for (int i = 0; i < LISTENERS; i++) {
        boolean bob = i == 0;
        TrackerClient c =
            TrackerClient.connect(
                    server.localAddress(),
                    group,
                    new TrackerListener() {
                      @Override
                      public void memberJoined(MemberJoined j) {
                        pushedToAll.incrementAndGet();
                        if (bob && j.getMember().getPeerId().equals(malloryId)) {
                          toBob.add(j);
                        }
                      }
                    })
                .join();
        clients.add(c);
        TestKeys k = new TestKeys();
        done(c.register("lobby", k.id, "honest" + i, "", 7000 + i, k.key()));
      }
      long joinsAmongHonest = pushedToAll.get();
      // mallory joins, then signs afresh again and again on its session: each a second later by
      // its own clock (well inside the tracker's five minutes of skew), each under another nick
      AtomicLong clock = new AtomicLong(System.currentTimeMillis());
      TrackerClient mal =
          TrackerClient.connect(
                  server.localAddress(),
                  group,
                  new TrackerListener() {},
                  1 << 22,
                  () -> Instant.ofEpochMilli(clock.get()))
              .join();
      clients.add(mal);
      for (int i = 0; i <= RESTATEMENTS; i++) {
        done(mal.register("lobby", mallory.id, "mal" + i, "", 7999, mallory.key()));
        clock.addAndGet(1_000);
      }
      // the room learns mallory's latest nick (a fix may coalesce pushes, never drop the latest)
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  !toBob.isEmpty()
                      && toBob.get(toBob.size() - 1).getMember().getNick().equals(last));
      long fromMallory = pushedToAll.get() - joinsAmongHonest;
      System.out.printf(
          "%d Registers of one key on one session: %d MemberJoined pushes of it to bob, %d to the"
              + " room of %d%n",
          RESTATEMENTS + 1, toBob.size(), fromMallory, LISTENERS);
      assertThat(
              MemberStatements.problem(
                  "lobby", toBob.get(toBob.size() - 1).getMember(), clock.get()))
          .as("the latest push is mallory's valid statement")
          .isNull();
      assertThat(toBob.size())
          .as(
              "MemberJoined pushes bob got (each a signature to check) for %d fresh statements"
                  + " one session made in a few seconds",
              RESTATEMENTS + 1)
          .isLessThanOrEqualTo(4);
    } finally {
      for (TrackerClient c : clients) {
        c.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}

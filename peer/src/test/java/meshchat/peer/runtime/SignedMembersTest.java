package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.fixture.netty.LoopbackCluster;
import meshchat.peer.limit.Counters.Counter;
import meshchat.tracker.TrackerConfig;
import meshchat.tracker.TrackerServer;
import meshchat.tracker.client.TrackerClient;
import meshchat.tracker.client.TrackerListener;
import org.junit.jupiter.api.Test;

/**
 * A peer takes a tracker's member only with the member's own signed statement: an entry without one
 * (here from a tracker that takes registrations without a key proof, as a lying or outdated tracker
 * would list them) is never dialed and is counted, while signed members link as usual.
 */
class SignedMembersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anUnsignedMemberTheTrackerListsIsNeverDialedWhileSignedMembersLink() throws Exception {
    try (LoopbackCluster mesh = new LoopbackCluster(7);
        ServerSocket thirdParty = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TrackerServer tracker =
            TrackerServer.start(
                TrackerConfig.localTest()
                    .with(
                        d -> {
                          d.port = mesh.trackerPort();
                          d.requireKeyProof = false;
                        }))) {
      AtomicInteger dialed = new AtomicInteger();
      Thread acceptor =
          new Thread(
              () -> {
                while (!thirdParty.isClosed()) {
                  try {
                    Socket s = thirdParty.accept();
                    dialed.incrementAndGet();
                    s.close(); // no meshchat peer here
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "third party");
      acceptor.setDaemon(true);
      acceptor.start();
      List<TrackerClient> fakes = new ArrayList<>();
      try {
        // many ids, no key: the count an outsider could fill the room with
        for (int i = 0; i < 10; i++) {
          TrackerClient fake =
              TrackerClient.connect(
                      new InetSocketAddress("127.0.0.1", mesh.trackerPort()),
                      mesh.groups().io(),
                      new TrackerListener() {})
                  .join();
          fakes.add(fake);
          fake.register(
                  "lobby",
                  new byte[] {6, 6, (byte) i},
                  "fake" + i,
                  "127.0.0.1",
                  thirdParty.getLocalPort())
              .get(10, TimeUnit.SECONDS);
        }
        PeerNode a = mesh.start(0);
        PeerNode b = mesh.start(1);
        await().atMost(WAIT).until(() -> a.linkCount() == 1 && b.linkCount() == 1);
        await().atMost(WAIT).until(() -> a.counters().get(Counter.TRACKER_MEMBER_REFUSED) >= 10);
        a.send("signed members only").join();
        await().atMost(WAIT).until(() -> mesh.seen(1).texts().contains("signed members only"));
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> dialed.get() == 0);
        assertThat(tracker.localAddress().getPort()).isEqualTo(mesh.trackerPort());
        assertThat(a.linkCount()).isOne();
      } finally {
        fakes.forEach(TrackerClient::close);
      }
    }
  }
}

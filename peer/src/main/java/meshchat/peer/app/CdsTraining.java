package meshchat.peer.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.room.Delivery;
import meshchat.peer.runtime.PeerConfig;
import meshchat.peer.runtime.PeerGroups;
import meshchat.peer.runtime.PeerListener;
import meshchat.peer.runtime.PeerNode;
import meshchat.peer.store.sqlite.SqliteMessageStore;

/**
 * The launcher's class-data training run: {@code java -XX:DumpLoadedClassList=F -cp JAR
 * meshchat.peer.app.CdsTraining DIR}. What it loads is what the fast-start archive holds
 * (docs/operations.md, "Fast start"), so it runs what a peer's first minute runs:
 *
 * <ol>
 *   <li>a chat start alone, exactly as {@code ./meshchat} makes it (no tracker, no LAN, stdin at
 *       end), which is what start-to-{@code ready} loads;
 *   <li>then two peers on loopback with SQLite histories: one holds {@value #HISTORY} messages, the
 *       other links to it, catches them up, and sends one line back live. That loads the link's,
 *       TLS's, the chain check's and anti-entropy's classes, which a start alone never touches and
 *       every peer's first link and catch-up loaded from the jar (docs/benchmarks.md, session 20).
 * </ol>
 *
 * Nothing here may keep a user's first start waiting: each wait is bounded, and a second part that
 * fails or times out still leaves the first part's classes listed (the list is written as classes
 * load). Exit status: the chat start's.
 */
public final class CdsTraining {
  static final int HISTORY = 300;
  private static final long WAIT_S = 10;

  private CdsTraining() {}

  public static void main(String[] args) {
    PeerMain.prepareProcess();
    Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    int status =
        PeerMain.run(
            new String[] {
              "chat",
              "--no-tracker",
              "--no-lan",
              "--json",
              "--nick",
              "cds",
              "--data",
              dir.resolve("peer").toString()
            });
    try {
      if (!linkAndCatchUp(dir)) {
        System.err.println("meshchat: cds training: the catch-up did not finish in time");
      }
    } catch (Exception | LinkageError e) {
      // the archive then holds the start's classes only, as before this part existed
      System.err.println("meshchat: cds training: " + e);
    }
    System.exit(status);
  }

  static boolean linkAndCatchUp(Path dir) throws Exception {
    CountDownLatch caughtUp = new CountDownLatch(HISTORY);
    CountDownLatch liveBack = new CountDownLatch(1);
    Identity old = Identity.generate();
    Identity fresh = Identity.generate();
    try (PeerGroups groups = PeerGroups.single()) {
      PeerNode a =
          start(
              groups,
              dir,
              "old",
              old,
              d -> {
                if (!d.message().id().origin().equals(old.peerId())) {
                  liveBack.countDown();
                }
              });
      PeerNode b = null;
      try {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < HISTORY; i++) {
          sent.add(a.send("training line " + i));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
            .get(WAIT_S, TimeUnit.SECONDS);
        b = start(groups, dir, "new", fresh, d -> caughtUp.countDown());
        b.dial(new PeerAddress(old.peerId(), "old", "127.0.0.1", a.port()));
        if (!caughtUp.await(WAIT_S, TimeUnit.SECONDS)) {
          return false;
        }
        b.send("live line").get(WAIT_S, TimeUnit.SECONDS);
        return liveBack.await(WAIT_S, TimeUnit.SECONDS);
      } finally {
        if (b != null) {
          b.close();
        }
        a.close();
      }
    }
  }

  /** A peer named {@code name} with a new identity and a SQLite history in {@code dir/name}. */
  private static PeerNode start(
      PeerGroups groups, Path dir, String name, Identity id, Consumer<Delivery> delivered)
      throws IOException {
    Path data = Files.createDirectories(dir.resolve(name));
    return NodeAssembly.start(
        PeerConfig.of("cds", name, id),
        SqliteMessageStore.open(data, "cds"),
        groups,
        new PeerListener() {
          @Override
          public void delivered(Delivery d) {
            delivered.accept(d);
          }
        },
        true);
  }
}

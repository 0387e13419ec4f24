package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import meshchat.peer.app.NodeAssembly;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.room.Delivery;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fsync of own messages runs off the room thread (docs/storage.md, "The guarantee"): while it
 * runs, the author's own line is neither shown nor sent, yet the same room thread goes on and
 * delivers another peer's line at once; when the fsync is done the own line is shown, then sent.
 */
class OwnFsyncOffRoomThreadTest {
  // one room thread for both nodes: had the fsync blocked it, neither could deliver anything
  private final PeerGroups groups = PeerGroups.create(1, 1);
  private final CountDownLatch syncEntered = new CountDownLatch(1);
  private final CountDownLatch syncMayEnd = new CountDownLatch(1);
  private final AtomicInteger syncs = new AtomicInteger();
  private final CountDownLatch checkpointEntered = new CountDownLatch(1);
  private final CountDownLatch checkpointMayEnd = new CountDownLatch(1);
  private PeerNode author;
  private PeerNode other;

  @AfterEach
  void close() {
    syncMayEnd.countDown();
    checkpointMayEnd.countDown();
    if (author != null) {
      author.close();
    }
    if (other != null) {
      other.close();
    }
    groups.close();
  }

  @Test
  void anOwnLineWaitsForItsFsyncWhileAnotherPeersLineIsDeliveredMeanwhile() throws Exception {
    List<String> authorShown = new CopyOnWriteArrayList<>();
    List<String> otherShown = new CopyOnWriteArrayList<>();
    startLinked(authorShown, otherShown);

    author.send("mine");
    assertThat(syncEntered.await(10, TimeUnit.SECONDS)).as("the commit's fsync began").isTrue();
    other.send("theirs");
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("another peer's line is delivered while the author's fsync runs")
        .until(() -> authorShown.contains("theirs"));
    assertThat(authorShown).as("not shown before its fsync").doesNotContain("mine");
    assertThat(otherShown).as("not sent before its fsync").doesNotContain("mine");

    syncMayEnd.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> otherShown.contains("mine"));
    assertThat(authorShown).containsExactly("theirs", "mine");
    assertThat(syncs).hasValue(1);
  }

  /**
   * A line typed and then /quit at once: the close finds the line's fsync still running on the
   * store thread. The close syncs here and shows and sends the line before it leaves; before, the
   * line was stored but never shown (nor sent), since the running fsync's report came after the
   * close and was dropped (seen with `printf 'hi\n/quit\n' | ./meshchat`).
   */
  @Test
  void aLineWhoseFsyncStillRunsWhenTheNodeClosesIsShownAndSentBeforeItLeaves() throws Exception {
    List<String> authorShown = new CopyOnWriteArrayList<>();
    List<String> otherShown = new CopyOnWriteArrayList<>();
    startLinked(authorShown, otherShown);

    author.send("last words");
    assertThat(syncEntered.await(10, TimeUnit.SECONDS)).as("the commit's fsync began").isTrue();
    PeerNode leaving = author;
    Thread quit = new Thread(leaving::close, "quit");
    quit.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("shown by the close, while the store thread's fsync still runs")
        .until(() -> authorShown.contains("last words"));
    syncMayEnd.countDown();
    quit.join(10_000);
    assertThat(quit.isAlive()).as("closed").isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("sent before the Close")
        .until(() -> otherShown.contains("last words"));
    assertThat(authorShown).containsExactly("last words");
  }

  /**
   * A checkpoint of the store's log copies pages and fsyncs the database file, for milliseconds on
   * an idle disk and for hundreds on a busy one: an own line's fsync must not queue behind it (nor
   * behind another node's fsync) for a store thread. Here the checkpoint never ends, on a single
   * chat's groups (one room thread); before, the line's fsync waited for the one store thread.
   */
  @Test
  void anOwnLinesFsyncDoesNotWaitForACheckpointThatStillRuns() throws Exception {
    List<String> authorShown = new CopyOnWriteArrayList<>();
    List<String> otherShown = new CopyOnWriteArrayList<>();
    start(endlessCheckpoint(new InMemoryMessageStore()), authorShown, otherShown);

    int sent = 0;
    while (checkpointEntered.getCount() > 0) { // a checkpoint is asked every 256 storing commits
      assertThat(sent)
          .as("a checkpoint was asked for")
          .isLessThan(4 * NodeEffects.CHECKPOINT_EVERY);
      String line = "line " + sent++;
      author.send(line);
      await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofSeconds(10))
          .until(() -> authorShown.contains(line));
    }
    assertThat(checkpointEntered.await(10, TimeUnit.SECONDS)).isTrue();
    author.send("while it checkpoints");
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("fsynced, shown and sent while the checkpoint still runs")
        .until(() -> otherShown.contains("while it checkpoints"));
    assertThat(authorShown).contains("while it checkpoints");
    assertThat(checkpointMayEnd.getCount()).as("the checkpoint still runs").isEqualTo(1);
  }

  /**
   * A busy room's or a catch-up's commits write a thousand rows or more each, and 256 of them
   * passed the log's backstop, where a commit on the room thread checkpoints and fsyncs 64 MB
   * (docs/benchmarks.md, session 36): a checkpoint is asked for once {@link
   * NodeEffects#CHECKPOINT_ROWS} rows were written since the last, however few the commits. Here
   * every storing commit is counted as that many rows: the first asks for one.
   */
  @Test
  void aCheckpointIsAskedForOnceEnoughRowsWereWrittenNotOnlyEvery256Commits() throws Exception {
    List<String> authorShown = new CopyOnWriteArrayList<>();
    List<String> otherShown = new CopyOnWriteArrayList<>();
    AtomicLong writes = new AtomicLong();
    AtomicInteger checkpoints = new AtomicInteger();
    MessageStore store =
        owingFsyncs(
            new InMemoryMessageStore(),
            name ->
                switch (name) {
                  case "takeCheckpoints" -> () -> true;
                  // each storing commit asks once: counted as CHECKPOINT_ROWS rows
                  case "writes" -> () -> writes.addAndGet(NodeEffects.CHECKPOINT_ROWS);
                  case "checkpoint" ->
                      () -> {
                        checkpoints.incrementAndGet();
                        return null;
                      };
                  default -> null;
                });
    start(store, authorShown, otherShown);
    int before = checkpoints.get();
    for (int i = 0; i < 3; i++) {
      String line = "line " + i;
      author.send(line);
      await().atMost(Duration.ofSeconds(10)).until(() -> authorShown.contains(line));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .alias("a checkpoint asked for within three storing commits, not 256")
        .until(() -> checkpoints.get() > before);
  }

  /** The author (its fsync slow) and another peer, linked; each shows into its list. */
  private void startLinked(List<String> authorShown, List<String> otherShown) throws Exception {
    start(slowFsync(new InMemoryMessageStore()), authorShown, otherShown);
  }

  /** The author on {@code authorStore} and another peer, linked; each shows into its list. */
  private void start(MessageStore authorStore, List<String> authorShown, List<String> otherShown)
      throws Exception {
    author =
        NodeAssembly.start(
            PeerConfig.of("lobby", "author", Identity.generate()),
            authorStore,
            groups,
            shown(authorShown),
            true);
    other =
        NodeAssembly.start(
            PeerConfig.of("lobby", "other", Identity.generate()),
            new InMemoryMessageStore(),
            groups,
            shown(otherShown),
            true);
    author.dial(new PeerAddress(other.self(), other.nick(), "127.0.0.1", other.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> author.linkCount() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> other.linkCount() == 1);
  }

  private static PeerListener shown(List<String> into) {
    return new PeerListener() {
      @Override
      public void delivered(Delivery d) {
        into.add(d.message().text());
      }
    };
  }

  /**
   * {@code store}, whose commits of own messages owe an fsync (done at once), and which takes its
   * log's checkpoints: the first one blocks until the test ends.
   */
  private MessageStore endlessCheckpoint(MessageStore store) {
    return owingFsyncs(
        store,
        name ->
            switch (name) {
              case "takeCheckpoints" -> () -> true;
              case "checkpoint" ->
                  () -> {
                    checkpointEntered.countDown();
                    checkpointMayEnd.await();
                    return null;
                  };
              default -> null;
            });
  }

  /**
   * {@code store}, whose commits of own messages owe an fsync, and whose fsync blocks until the
   * test lets it end.
   */
  private MessageStore slowFsync(MessageStore store) {
    return owingFsyncs(
        store,
        name ->
            !name.equals("sync")
                ? null
                : () -> {
                  if (syncs.incrementAndGet() == 1) { // the store thread's; a closing one passes
                    syncEntered.countDown();
                    syncMayEnd.await();
                  }
                  return null;
                });
  }

  /**
   * {@code store}, whose commits leave an fsync owed after an own message was appended; a method
   * {@code hooks} gives an answer for runs that answer instead of the store's.
   */
  private static MessageStore owingFsyncs(
      MessageStore store, Function<String, Callable<Object>> hooks) {
    AtomicBoolean ownStaged = new AtomicBoolean();
    return (MessageStore)
        Proxy.newProxyInstance(
            MessageStore.class.getClassLoader(),
            new Class<?>[] {MessageStore.class},
            (proxy, method, args) -> {
              String name = method.getName();
              if (name.equals("appendOwn")) {
                ownStaged.set(true);
              } else if (name.equals("commitLeavingSync")) {
                store.commit();
                return ownStaged.getAndSet(false);
              }
              Callable<Object> hook = hooks.apply(name);
              if (hook != null) {
                return hook.call();
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}

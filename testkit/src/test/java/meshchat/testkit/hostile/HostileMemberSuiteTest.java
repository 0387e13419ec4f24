package meshchat.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import meshchat.fixture.netty.ThirdParty;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.message.PeerId;
import meshchat.peer.runtime.PeerNode;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.Digest;
import meshchat.proto.v1.DigestEntry;
import meshchat.proto.v1.LinkFrame;
import meshchat.testkit.netty.NettyCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attacks that worked against meshchat once, replayed by a hostile member ({@link Mallory}, its
 * own key, an honest handshake) over real TLS links against a real peer of a {@link NettyCluster},
 * while an honest member of the same room keeps talking. Each attack must leave the victim up, the
 * honest member heard (waited on with a generous ceiling, never timed), and the state the attack
 * aims at under its bound. Each test is bounded in time.
 *
 * <p>The attacks that need no room membership are pinned where their target lives, over real
 * sockets too: the keyless relay ({@code LinkTlsTest}), guessing a private room's secret ({@code
 * PrivateRoomGuessTest}), a replayed tracker registration ({@code KeyProofTest}), and the tracker
 * floods ({@code TrackerHostileTest}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileMemberSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ROOM = "lobby";
  private static final int VICTIM = 0;
  private static final int HONEST = 1;

  private NettyCluster cluster;
  private InetAddress malloryHost;
  private int said;

  @BeforeEach
  void twoMembersLinked() throws Exception {
    cluster = new NettyCluster(11);
    cluster.start(2);
    await()
        .atMost(WAIT)
        .until(() -> cluster.linkCount(VICTIM) == 1 && cluster.linkCount(HONEST) == 1);
    malloryHost = InetAddress.getByName("127.0.0.66");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private PeerNode victim() {
    return cluster.node(VICTIM);
  }

  private Mallory mallory() throws IOException {
    return mallory(Identity.generate());
  }

  private Mallory mallory(Identity as) throws IOException {
    return new Mallory(as, cluster.listenAddress(VICTIM), malloryHost, ROOM, 1);
  }

  /** The honest member speaks and the victim shows it; the victim speaks and is heard. */
  private void honestPeersStillServed() {
    String text = "honest " + (++said);
    cluster.send(HONEST, text);
    await().atMost(WAIT).until(() -> shown(VICTIM, text));
    String back = "victim " + said;
    cluster.send(VICTIM, back);
    await().atMost(WAIT).until(() -> shown(HONEST, back));
    assertThat(victim().isClosed()).isFalse();
  }

  private boolean shown(int peer, String text) {
    return cluster.node(peer).history(10_000).join().stream().anyMatch(m -> m.text().equals(text));
  }

  /**
   * Runs {@code attack} over and over, each time on a fresh link with a fresh key (a Sybil), until
   * the honest member has been heard.
   */
  private void whileUnderAttack(Attack attack) throws Exception {
    whileUnderAttack(null, 3, attack);
  }

  /** The same with one key throughout ({@code as}; null: a fresh key per link). */
  private void whileUnderAttack(Identity as, int minRounds, Attack attack) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger rounds = new AtomicInteger();
    List<Throwable> failures = new ArrayList<>();
    Thread t =
        new Thread(
            () -> {
              while (!stop.get()) {
                try (Mallory m = as == null ? mallory() : mallory(as)) {
                  attack.run(m);
                  rounds.incrementAndGet();
                } catch (IOException e) {
                  rounds.incrementAndGet(); // refused or reset: the next round tries again
                } catch (Throwable e) {
                  failures.add(e);
                  return;
                }
              }
            },
            "mallory");
    t.setDaemon(true);
    t.start();
    try {
      await().atMost(WAIT).until(() -> rounds.get() >= minRounds || !failures.isEmpty());
      honestPeersStillServed();
    } finally {
      stop.set(true);
      t.join(WAIT.toMillis());
    }
    assertThat(failures).isEmpty();
    honestPeersStillServed(); // and after it
  }

  interface Attack {
    void run(Mallory m) throws Exception;
  }

  /**
   * A chat by Mallory with the given numbers (the codec refuses out-of-range ones before any
   * signature check).
   */
  private static LinkFrame chat(
      Identity by, long seq, long lamport, List<MessageId> deps, String text) {
    ChatMessage m =
        new ChatMessage(new MessageId(by.peerId(), 1), 5, 1_000, "mallory", text, deps)
            .chained(new byte[ChatMessage.HASH_BYTES]);
    LinkFrame f = LinkCodec.toFrame(new LinkMessage.Chat(m));
    if (seq == 1 && lamport == 5) {
      return f;
    }
    return f.toBuilder().setChat(f.getChat().toBuilder().setSeq(seq).setLamport(lamport)).build();
  }

  /** Mallory's own hash chain: each message links to her previous one; heads signed on demand. */
  private static final class Chain {
    private final Identity by;
    private byte[] prev = new byte[ChatMessage.HASH_BYTES];
    private long seq;

    Chain(Identity by) {
      this.by = by;
    }

    LinkMessage.Chat next(ChatMessage unchained) {
      ChatMessage m = unchained.chained(prev);
      prev = MessageSigning.hash(m, ROOM);
      seq = m.id().seq();
      return new LinkMessage.Chat(m);
    }

    /** The signed head over everything sent so far, as an author sends after a burst. */
    LinkMessage.Head head() {
      return new LinkMessage.Head(MessageSigning.signer(by, ROOM).signHead(by.peerId(), seq, prev));
    }
  }

  private static void refused(Mallory m, String why) {
    Close c = m.awaitClose();
    assertThat(c).isNotNull();
    assertThat(c.getReason()).isEqualTo(Close.Reason.INVALID_MESSAGE);
    assertThat(c.getMessage()).contains(why);
  }

  @Test
  void aChatStampedTwoToTheSixtyThreeMinusOne() throws Exception {
    whileUnderAttack(
        m -> {
          m.sendRaw(chat(m.identity, 1, Long.MAX_VALUE, List.of(), "overflow"));
          refused(m, "lamport out of range");
        });
  }

  @Test
  void aChatStampedJustBelowOverflow() throws Exception {
    whileUnderAttack(
        m -> {
          m.sendRaw(chat(m.identity, 1, Long.MAX_VALUE - 1, List.of(), "almost"));
          refused(m, "lamport out of range");
        });
  }

  @Test
  void aChatWithTheLargestSeq() throws Exception {
    whileUnderAttack(
        m -> {
          m.sendRaw(chat(m.identity, Long.MAX_VALUE, 5, List.of(), "last"));
          refused(m, "seq out of range");
        });
  }

  @Test
  void aHelloStampedTwoToTheSixtyThreeMinusOneThenAChat() throws Exception {
    whileUnderAttack(
        m0 -> {
          m0.close(); // this attack needs its own Hello
          try (Mallory m =
              new Mallory(
                  Identity.generate(),
                  cluster.listenAddress(VICTIM),
                  malloryHost,
                  ROOM,
                  Long.MAX_VALUE)) {
            m.sendRaw(chat(m.identity, 1, 5, List.of(), "after the hello"));
            refused(m, "lamport out of range");
          }
        });
    assertThat(victim().history(10_000).join()).noneMatch(x -> x.text().equals("after the hello"));
  }

  @Test
  void aDigestWhoseCountsOverflow() throws Exception {
    whileUnderAttack(
        m -> {
          Digest.Builder d = Digest.newBuilder().setComplete(true);
          for (int i = 0; i < 4; i++) {
            d.addEntries(
                DigestEntry.newBuilder()
                    .setOrigin(ByteString.copyFrom(new byte[] {7, (byte) i}))
                    .setContiguous(WireBounds.MAX_SEQ));
          }
          m.sendRaw(LinkFrame.newBuilder().setDigest(d).build());
          for (int seen = 0; seen < 50; seen++) { // its answer stays within the request limits
            LinkFrame f = m.read();
            if (f == null) {
              return;
            }
            if (f.hasSyncRequest()) {
              assertThat(f.getSyncRequest().getWantsCount()).isBetween(1, 1_024);
              return;
            }
          }
        });
  }

  @Test
  void aReplyBackdatedBelowWhatItAnswers() throws Exception {
    whileUnderAttack(
        m -> {
          Chain chain = new Chain(m.identity);
          LinkMessage.Chat question =
              chain.next(
                  new ChatMessage(
                      new MessageId(m.identity.peerId(), 1),
                      100,
                      1_000,
                      "mallory",
                      "question",
                      List.of()));
          m.send(question);
          m.send(
              chain.next(
                  new ChatMessage(
                      new MessageId(m.identity.peerId(), 2),
                      50,
                      1_000,
                      "mallory",
                      "backdated",
                      List.of(question.message().id()))));
          m.send(chain.head());
          m.awaitClose();
        });
    assertThat(victim().history(10_000).join()).noneMatch(x -> x.text().equals("backdated"));
  }

  @Test
  void aFloodOfMessagesWaitingOnDepsThatNeverCome() throws Exception {
    long heapBefore = usedHeapAfterGc();
    whileUnderAttack(
        Identity.generate(), // one member: its per-link and per-author budgets are what it gets
        1, // one round is 2,500 messages: the attack itself
        m -> {
          m.drainInBackground();
          PeerId nobody = PeerId.of(new byte[] {6, 6, 6});
          Chain chain = new Chain(m.identity);
          for (int seq = 1; seq <= 2_500; seq++) {
            m.send(
                chain.next(
                    new ChatMessage(
                        new MessageId(m.identity.peerId(), seq),
                        10 + seq,
                        1_000,
                        "mallory",
                        "waiting " + seq,
                        List.of(new MessageId(nobody, seq)))));
            if (seq % 200 == 0 || seq == 2_500) {
              m.send(chain.head()); // a head per burst, as an honest author sends them
            }
          }
          assertThat(victim().gauges().join().heldBack()).isLessThanOrEqualTo(heldBound());
        });
    assertThat(victim().gauges().join().heldBack()).isLessThanOrEqualTo(heldBound());
    assertThat(usedHeapAfterGc() - heapBefore).isLessThan(64L << 20);
  }

  @Test
  void aFakeDigestCannotAmplifyWhatTheVictimSends() throws Exception {
    whileUnderAttack(
        m -> {
          Digest.Builder d = Digest.newBuilder().setComplete(true);
          for (int i = 0; i < 10_000; i++) {
            d.addEntries(
                DigestEntry.newBuilder()
                    .setOrigin(ByteString.copyFrom(new byte[] {5, (byte) (i >> 8), (byte) i}))
                    .setContiguous(1_000));
          }
          LinkFrame digest = LinkFrame.newBuilder().setDigest(d).build();
          for (int k = 0; k < 5; k++) {
            m.sendRaw(digest);
          }
          // everything the victim answers, until it has been quiet for 2 s: its requests are
          // capped at 1,024 wants and asked only once per digest; its own digests are small
          m.readTimeoutMs(2_000);
          try {
            for (LinkFrame f; (f = m.read()) != null; ) {
              if (f.hasSyncRequest()) {
                assertThat(f.getSyncRequest().getWantsCount()).isBetween(1, 1_024);
              }
            }
          } catch (SocketTimeoutException quiet) {
            // done
          }
          assertThat(m.bytesReceived()).isLessThan(m.bytesSent() / 4);
        });
  }

  @Test
  void aPeerListNamingAThirdPartyIsDialedAtABoundedRateAndNotAfterTheNamerLeft() throws Exception {
    try (ThirdParty thirdParty = ThirdParty.listen("127.0.0.77", 512)) {
      long start = System.nanoTime();
      try (Mallory m = mallory()) {
        m.drainInBackground();
        for (int round = 0; round < 10; round++) {
          List<LinkMessage.PeerAddress> fakes = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            byte[] id = {9, (byte) round, (byte) (i >> 8), (byte) i};
            fakes.add(
                new LinkMessage.PeerAddress(
                    PeerId.of(id), "fake", "127.0.0.77", thirdParty.port()));
          }
          try {
            m.send(new LinkMessage.PeerList(fakes));
          } catch (IOException e) {
            break; // the victim closed mallory's link: refused, as whileUnderAttack allows
          }
          honestPeersStillServed();
        }
        await()
            .atMost(WAIT)
            .until(() -> thirdParty.accepted() >= 1); // the attack did reach the victim
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
      int whileLinked = thirdParty.accepted();
      // a burst of 8, then one a second, for as long as mallory was linked (plus one in flight)
      assertThat(whileLinked).isBetween(1, 8 + (int) seconds + 1);
      honestPeersStillServed();
      await() // a quiet spell: no dial may follow the namer's departure
          .during(Duration.ofSeconds(3))
          .atMost(WAIT)
          .until(() -> thirdParty.accepted() == whileLinked);
      assertThat(victim().gauges().join().known())
          .as("its names forgotten with it")
          .isLessThanOrEqualTo(4);
    }
  }

  /**
   * Equivocation: a member signs two versions of one message and gives one to the victim, the other
   * to the honest member, each round with a fresh key. Both must notice, prove it to each other and
   * freeze the author at that seq.
   */
  @Test
  void twoSignedVersionsOfOneMessageForTwoMembers() throws Exception {
    List<PeerId> liars = new CopyOnWriteArrayList<>();
    whileUnderAttack(
        m -> {
          ChainAuthor yes = new ChainAuthor(m.identity, ROOM);
          ChainAuthor no = new ChainAuthor(m.identity, ROOM);
          ChatMessage passed = yes.next("the vote passed");
          ChatMessage failed = no.next("the vote failed");
          try (Mallory toHonest =
              new Mallory(m.identity, cluster.listenAddress(HONEST), malloryHost, ROOM, 1)) {
            m.send(new LinkMessage.Chat(passed));
            m.send(new LinkMessage.Head(yes.head()));
            toHonest.send(new LinkMessage.Chat(failed));
            toHonest.send(new LinkMessage.Head(no.head()));
            PeerId liar = m.identity.peerId();
            await().atMost(WAIT).until(() -> names(VICTIM, liar) && names(HONEST, liar));
            liars.add(liar);
          }
        });
    assertThat(liars).isNotEmpty();
    for (PeerId liar : liars) {
      assertThat(victim().equivocators().join()).containsEntry(liar, 1L);
      assertThat(cluster.node(HONEST).equivocators().join()).containsEntry(liar, 1L);
    }
  }

  private boolean names(int peer, PeerId liar) {
    return cluster.node(peer).equivocators().join().containsKey(liar);
  }

  /**
   * A forged equivocation proof that would frame the honest member: two "versions" of its message 1
   * under heads in its name, signed with Mallory's key. Refused and counted; nobody is named.
   */
  @Test
  void aForgedProofFramingAnHonestMember() throws Exception {
    PeerId honest = cluster.node(HONEST).self();
    whileUnderAttack(
        m -> {
          MessageSigner forger = MessageSigning.signer(m.identity, ROOM);
          List<ChatMessage> runs = new ArrayList<>();
          List<ChainHead> heads = new ArrayList<>();
          for (String text : List.of("I resign", "I stay")) {
            ChatMessage fake =
                new ChatMessage(new MessageId(honest, 1), 5, 1_000, "honest", text, List.of())
                    .chained(new byte[ChatMessage.HASH_BYTES]);
            runs.add(fake);
            heads.add(forger.signHead(honest, 1, MessageSigning.hash(fake, ROOM)));
          }
          m.send(
              new LinkMessage.Equivocated(
                  new Equivocation(
                      heads.get(0), runs.subList(0, 1), heads.get(1), runs.subList(1, 2))));
          refused(m, "not its origin's");
        });
    assertThat(victim().equivocators().join()).isEmpty();
    assertThat(cluster.node(HONEST).equivocators().join()).isEmpty();
    assertThat(victim().counters().get(Counters.Counter.PROOF_FORGED)).isGreaterThanOrEqualTo(3);
  }

  /**
   * What one hostile author can make the victim hold: 1,024 messages waiting at once (its
   * per-author budget), plus the messages shown incomplete after their fetches gave up, which the
   * victim tracks up to its hold-back bound, for everyone together.
   */
  private int heldBound() {
    return 1_024 + victim().config().roomConfig().maxHoldBack();
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}

package meshchat.peer.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.SeqRange;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The packed memory store (messages in an arena, each origin's heads in flat arrays) answers every
 * read exactly as the one that keeps the instances, over the whole range of every field: seqs,
 * times and wall clocks up to their bounds, ids of 1 to 64 bytes, any text (unpaired surrogates
 * included), any deps, chained or not, lines and nick changes.
 */
class PackedMessageStoreFormsTest {
  private static final Long[] EDGES = {
    1L,
    2L,
    3L,
    255L,
    256L,
    65_536L,
    (long) Integer.MAX_VALUE,
    1L << 32,
    WireBounds.MAX_SEQ - 1,
    WireBounds.MAX_SEQ
  };

  @Provide
  Arbitrary<PeerId> origins() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(PeerId.MAX_BYTES)
        .map(PeerId::of);
  }

  private Arbitrary<Long> bounded(long max) {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(1, 20),
        Arbitraries.of(EDGES).map(v -> Math.min(v, max)),
        Arbitraries.longs().between(1, max));
  }

  @Provide
  Arbitrary<ChatMessage> messages() {
    Arbitrary<MessageId> ids =
        Combinators.combine(origins(), bounded(WireBounds.MAX_SEQ)).as(MessageId::new);
    Arbitrary<String> texts =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40), // any char, surrogates alone among them
            Arbitraries.strings().ascii().ofMaxLength(120),
            // Latin-1 above ASCII: packed one byte a char, each char's low byte
            Arbitraries.of(
                "", "ünïcødé ✓", "\uD83D\uDE00 emoji", "\uD800 lone", "café \u0080\u00ff"));
    Arbitrary<byte[]> prevs =
        Arbitraries.oneOf(
            Arbitraries.just(new byte[0]),
            Arbitraries.bytes().array(byte[].class).ofSize(ChatMessage.HASH_BYTES));
    return Combinators.combine(
            ids,
            bounded(WireBounds.MAX_LAMPORT),
            Arbitraries.oneOf(
                Arbitraries.of(0L, WireBounds.MAX_WALL_TIME_MS),
                Arbitraries.longs().between(0, WireBounds.MAX_WALL_TIME_MS)),
            Arbitraries.strings().ofMaxLength(20),
            texts,
            ids.list().ofMaxSize(5),
            prevs,
            Arbitraries.of(true, false))
        .as(
            (id, lamport, wall, nick, text, deps, prev, isNick) ->
                isNick
                    ? new ChatMessage(
                        id, lamport, wall, nick, "", deps, prev, ChatMessage.Kind.NICK)
                    : new ChatMessage(id, lamport, wall, nick, text, deps, prev));
  }

  /** Ids drawn from few origins and small seqs, so that duplicates and conflicts happen. */
  @Provide
  Arbitrary<List<ChatMessage>> histories() {
    Arbitrary<PeerId> few =
        Arbitraries.of(
            PeerId.of(new byte[] {1}),
            PeerId.of(new byte[] {(byte) 0xF0, 2}),
            PeerId.of(new byte[64]));
    Arbitrary<ChatMessage> near =
        Combinators.combine(
                few,
                Arbitraries.longs().between(1, 12),
                Arbitraries.longs().between(1, 30),
                Arbitraries.of("a", "b"))
            .as(
                (o, seq, lamport, text) ->
                    new ChatMessage(
                        new MessageId(o, seq), lamport, 0, "n" + text, text, List.of()));
    return Arbitraries.oneOf(near, messages()).list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void everyReadIsTheSameInBothForms(@ForAll("histories") List<ChatMessage> history) {
    MessageStore kept = new InMemoryMessageStore();
    MessageStore packed = new PackedMessageStore();
    PeerId self = history.isEmpty() ? PeerId.of(new byte[] {1}) : history.get(0).origin();
    for (ChatMessage m : history) {
      assertThat(packed.append(m)).as("append %s", m).isEqualTo(kept.append(m));
    }
    for (ChatMessage m : history) {
      assertThat(packed.get(m.id())).isEqualTo(kept.get(m.id()));
      assertThat(packed.lamportOf(m.id())).isEqualTo(kept.lamportOf(m.id()));
      // the packed form's own answer, without OptionalLong, against the interface's default
      assertThat(packed.lamportTime(m.origin(), m.seq()))
          .isEqualTo(kept.lamportTime(m.origin(), m.seq()))
          .isEqualTo(kept.lamportOf(m.id()).orElse(MessageStore.NO_LAMPORT));
      assertThat(packed.lamportTime(m.origin(), WireBounds.MAX_SEQ))
          .isEqualTo(kept.lamportTime(m.origin(), WireBounds.MAX_SEQ));
      assertThat(packed.lamportTime(PeerId.of(new byte[] {9, 9, 9}), m.seq()))
          .isEqualTo(MessageStore.NO_LAMPORT);
      assertThat(packed.range(m.origin(), new SeqRange(1, m.seq()), 7))
          .isEqualTo(kept.range(m.origin(), new SeqRange(1, m.seq()), 7));
      assertThat(packed.range(m.origin(), new SeqRange(m.seq(), WireBounds.MAX_SEQ), 100))
          .isEqualTo(kept.range(m.origin(), new SeqRange(m.seq(), WireBounds.MAX_SEQ), 100));
      LamportTimestamp ts = m.timestamp();
      assertThat(packed.predecessor(ts)).isEqualTo(kept.predecessor(ts));
    }
    if (!history.isEmpty()) {
      ChatMessage first = history.get(0);
      // every field comes back, not only what equals compares
      ChatMessage back = packed.get(first.id()).orElseThrow();
      assertThat(back.text()).isEqualTo(first.text());
      assertThat(back.nick()).isEqualTo(first.nick());
      assertThat(back.kind()).isEqualTo(first.kind());
      assertThat(back.prev()).isEqualTo(first.prev());
      assertThat(back.deps()).isEqualTo(first.deps());
    }
    assertThat(packed.history(Integer.MAX_VALUE)).isEqualTo(kept.history(Integer.MAX_VALUE));
    assertThat(packed.history(3)).isEqualTo(kept.history(3));
    assertThat(packed.latest(5)).isEqualTo(kept.latest(5));
    assertThat(packed.count()).isEqualTo(kept.count());
    assertThat(packed.conflictCount()).isEqualTo(kept.conflictCount());
    assertThat(packed.load(self)).isEqualTo(kept.load(self));
  }

  /**
   * Enough messages to fill several arena arrays, the biggest one alone in its array, deps by
   * authors the store numbers (packed by index) and by strangers (packed by their bytes).
   */
  @Test
  void aLongHistoryAcrossManyArraysReadsBackTheSame() {
    MessageStore kept = new InMemoryMessageStore();
    MessageStore packed = new PackedMessageStore();
    List<PeerId> authors = new ArrayList<>();
    for (int a = 0; a < 7; a++) {
      authors.add(PeerId.of(new byte[] {(byte) a, (byte) (a * 37), 5}));
    }
    PeerId stranger = PeerId.of(new byte[64]);
    long[] seqs = new long[authors.size()];
    List<ChatMessage> all = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      int a = (i * 5 + i / 7) % authors.size();
      PeerId origin = authors.get(a);
      long seq = ++seqs[a];
      List<MessageId> deps = new ArrayList<>();
      if (i > 0) {
        deps.add(all.get(i - 1).id());
      }
      if (i % 3 == 0) {
        deps.add(new MessageId(stranger, i + 1));
      }
      String text =
          i == 4_321
              ? "\u20ac".repeat(WireBounds.MAX_TEXT_BYTES) // two bytes a char: 128 KiB packed
              : "line " + i + ".".repeat(i % 400);
      ChatMessage m =
          new ChatMessage(
              new MessageId(origin, seq),
              10L * i + a + 1,
              1_000L * i,
              "nick" + (i % 3),
              text,
              deps);
      all.add(m);
      assertThat(packed.append(m)).isEqualTo(kept.append(m));
    }
    for (ChatMessage m : all) {
      assertThat(packed.get(m.id())).contains(m);
      assertThat(packed.get(m.id()).orElseThrow().text()).isEqualTo(m.text());
      assertThat(packed.lamportOf(m.id())).isEqualTo(kept.lamportOf(m.id()));
    }
    assertThat(packed.history(Integer.MAX_VALUE)).isEqualTo(kept.history(Integer.MAX_VALUE));
    for (PeerId a : authors) {
      assertThat(packed.range(a, new SeqRange(3, 700), 500))
          .isEqualTo(kept.range(a, new SeqRange(3, 700), 500));
    }
    assertThat(packed.load(authors.get(2))).isEqualTo(kept.load(authors.get(2)));
  }

  @Property(tries = 300)
  void aPackedMessageComesBackEqualInEveryField(@ForAll("messages") ChatMessage m) {
    MessageStore packed = new PackedMessageStore();
    packed.append(m);
    ChatMessage back = packed.get(m.id()).orElseThrow();
    assertThat(back).isEqualTo(m);
    assertThat(back.text()).isEqualTo(m.text());
    assertThat(back.wallTimeMs()).isEqualTo(m.wallTimeMs());
    assertThat(back.isChained()).isEqualTo(m.isChained());
    assertThat(packed.append(m)).isEqualTo(MessageStore.AppendResult.DUPLICATE);
  }

  @Provide
  Arbitrary<List<ChainHead>> heads() {
    PeerId origin = PeerId.of(new byte[] {7, 7});
    byte[] key = new byte[32];
    key[0] = 9;
    byte[] otherKey = new byte[32];
    otherKey[0] = 10;
    Arbitrary<byte[]> keys = Arbitraries.of(new byte[0], key, otherKey).map(byte[]::clone);
    Arbitrary<byte[]> signatures =
        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(80);
    return Combinators.combine(
            Arbitraries.oneOf(Arbitraries.longs().between(1, 40), bounded(WireBounds.MAX_SEQ)),
            Arbitraries.bytes().array(byte[].class).ofSize(ChatMessage.HASH_BYTES),
            signatures,
            keys)
        .as((seq, hash, sig, k) -> new ChainHead(origin, seq, hash, sig, k))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 300)
  void headsAreFoundAsATreeMapFindsThem(
      @ForAll("heads") List<ChainHead> heads, @ForAll @Size(max = 10) List<Long> asked) {
    for (MessageStore store : List.of(new PackedMessageStore(), new InMemoryMessageStore())) {
      headsAreFound(store, heads, asked);
    }
  }

  private static void headsAreFound(MessageStore store, List<ChainHead> heads, List<Long> asked) {
    TreeMap<Long, ChainHead> model = new TreeMap<>();
    for (ChainHead h : heads) {
      store.putHead(h);
      model.putIfAbsent(h.seq(), h);
    }
    List<Long> seqs = new ArrayList<>(asked);
    for (ChainHead h : heads) {
      seqs.add(h.seq());
      seqs.add(h.seq() + 1);
    }
    seqs.add(1L);
    for (long s : seqs) {
      long seq = Math.max(1, Math.min(Math.abs(s), WireBounds.MAX_SEQ));
      Map.Entry<Long, ChainHead> e = model.ceilingEntry(seq);
      Optional<ChainHead> found =
          store.headAtOrAfter(
              heads.isEmpty() ? PeerId.of(new byte[] {7, 7}) : heads.get(0).origin(), seq);
      assertThat(found).isEqualTo(Optional.ofNullable(e == null ? null : e.getValue()));
      if (e != null) {
        assertThat(found.get().publicKey()).isEqualTo(e.getValue().publicKey());
        assertThat(found.get().signature()).isEqualTo(e.getValue().signature());
      }
    }
  }
}

package meshchat.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The simulation's byte counts ({@code bytesByType}) are the encoder's: for random messages of
 * every type, with numbers at each varint length's edges, strings of any UTF-16 (unpaired
 * surrogates included) and empty lists, {@link FrameSizer} answers exactly {@code
 * LinkCodec.toFrame(m).getSerializedSize()}.
 */
class FrameSizerTest {
  @Property(tries = 2_000)
  void everyFrameIsSizedAsTheEncoderWritesIt(@ForAll long seed) {
    Gen g = new Gen(new SplittableRandom(seed));
    LinkMessage m = g.message();
    assertThat(new FrameSizer().applyAsInt(m))
        .as("%s", m)
        .isEqualTo(LinkCodec.toFrame(m).getSerializedSize());
  }

  @Property(tries = 300)
  void aChatMessageSizedOnceIsSizedTheSameInAChatAndInABatch(@ForAll long seed) {
    Gen g = new Gen(new SplittableRandom(seed));
    ChatMessage c = g.chat();
    FrameSizer sizer = new FrameSizer();
    LinkMessage chat = new LinkMessage.Chat(c);
    LinkMessage batch =
        new LinkMessage.SyncBatch(g.number(), List.of(c, c), g.random.nextBoolean());
    assertThat(sizer.applyAsInt(chat)).isEqualTo(LinkCodec.toFrame(chat).getSerializedSize());
    assertThat(sizer.applyAsInt(batch)).isEqualTo(LinkCodec.toFrame(batch).getSerializedSize());
    assertThat(sizer.applyAsInt(new LinkMessage.Chat(c)))
        .isEqualTo(LinkCodec.toFrame(chat).getSerializedSize());
  }

  @Test
  void emptyBodiesAreSizedAsWrittenFrames() {
    FrameSizer sizer = new FrameSizer();
    for (LinkMessage m :
        List.of(
            new LinkMessage.Prune(),
            new LinkMessage.PeerList(List.of()),
            new LinkMessage.Digest(List.of(), false),
            new LinkMessage.Digest(List.of(), true),
            new LinkMessage.SyncRequest(0, List.of(), 0),
            new LinkMessage.SyncBatch(0, List.of(), false),
            new LinkMessage.Ping(0),
            new LinkMessage.Pong(0),
            new LinkMessage.Join())) {
      assertThat(sizer.applyAsInt(m))
          .as("%s", m)
          .isEqualTo(LinkCodec.toFrame(m).getSerializedSize());
    }
  }

  /** Random messages, biased to the edges where a varint or a length prefix grows a byte. */
  private static final class Gen {
    final SplittableRandom random;

    Gen(SplittableRandom random) {
      this.random = random;
    }

    LinkMessage message() {
      return switch (random.nextInt(14)) {
        case 0 -> new LinkMessage.Chat(chat());
        case 1 -> new LinkMessage.SyncBatch(number(), list(this::chat), random.nextBoolean());
        case 2 ->
            new LinkMessage.SyncBatch(
                number(), list(this::chat), random.nextBoolean(), list(this::head));
        case 3 -> new LinkMessage.IHave(list(this::id));
        case 4 -> new LinkMessage.Graft(list(this::id));
        case 5 -> new LinkMessage.Prune(list(this::peerId));
        case 6 -> new LinkMessage.Digest(list(this::entry), random.nextBoolean());
        case 7 ->
            new LinkMessage.SyncRequest(
                number(),
                list(() -> new LinkMessage.Want(peerId(), range())),
                random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(1_025));
        case 8 -> new LinkMessage.PeerList(list(this::address));
        case 9 -> new LinkMessage.Head(head());
        case 10 -> new LinkMessage.Ping(random.nextLong());
        case 11 -> new LinkMessage.Pong(number());
        case 12 -> new LinkMessage.Shuffle(random.nextInt(256), list(this::address));
        default -> new LinkMessage.Close(LinkMessage.CloseReason.IDLE, string(40));
      };
    }

    ChatMessage chat() {
      boolean nick = random.nextInt(8) == 0;
      MessageId id = new MessageId(peerId(), positive(WireBounds.MAX_SEQ));
      long lamport = positive(WireBounds.MAX_LAMPORT);
      long wall = random.nextInt(8) == 0 ? 0 : positive(WireBounds.MAX_WALL_TIME_MS);
      List<MessageId> deps = list(this::id);
      byte[] prev = random.nextBoolean() ? new byte[0] : bytes(ChatMessage.HASH_BYTES);
      return nick
          ? ChatMessage.nickChange(id, lamport, wall, string(WireBounds.MAX_NICK_BYTES / 3), deps)
              .chained(prev)
          : new ChatMessage(id, lamport, wall, string(40), string(400), deps, prev);
    }

    ChainHead head() {
      return new ChainHead(
          peerId(),
          positive(WireBounds.MAX_SEQ),
          bytes(ChatMessage.HASH_BYTES),
          bytes(random.nextBoolean() ? 64 : random.nextInt(65)),
          bytes(random.nextBoolean() ? 32 : 0));
    }

    LinkMessage.DigestEntry entry() {
      SeqSet held = new SeqSet();
      int ranges = random.nextInt(5);
      long at = 0;
      for (int i = 0; i < ranges && at < WireBounds.MAX_SEQ / 2; i++) {
        long lo = at + 1 + (i == 0 && random.nextBoolean() ? 0 : small());
        long hi = lo + small();
        held.addRange(lo, hi);
        at = hi + 1;
      }
      boolean tip = random.nextBoolean();
      return new LinkMessage.DigestEntry(
          peerId(),
          held,
          tip ? positive(WireBounds.MAX_SEQ) : 0,
          tip ? bytes(ChatMessage.HASH_BYTES) : null);
    }

    PeerAddress address() {
      return new PeerAddress(
          peerId(), string(20), random.nextBoolean() ? "sim" : string(30), random.nextInt(65_536));
    }

    MessageId id() {
      return new MessageId(peerId(), positive(WireBounds.MAX_SEQ));
    }

    SeqRange range() {
      long first = positive(WireBounds.MAX_SEQ / 2);
      return new SeqRange(first, first + small());
    }

    PeerId peerId() {
      int n = random.nextInt(4) == 0 ? 1 + random.nextInt(PeerId.MAX_BYTES) : 16;
      return PeerId.of(bytes(n));
    }

    <T> List<T> list(java.util.function.Supplier<T> one) {
      int n =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> random.nextInt(10);
            default -> random.nextInt(300);
          };
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(one.get());
      }
      return out;
    }

    /** 0 or a number of a random bit length, often at a varint's 7-bit edge. */
    long number() {
      int bits = random.nextInt(65);
      if (bits == 0) {
        return 0;
      }
      long top = bits == 64 ? -1L : (1L << bits) - 1;
      return switch (random.nextInt(3)) {
        case 0 -> top; // all ones: the longest of its length
        case 1 -> Long.highestOneBit(top); // the shortest of its length
        default -> random.nextLong() & top;
      };
    }

    long positive(long max) {
      long n = number() & Long.MAX_VALUE;
      return Math.max(1, Math.min(n, max));
    }

    long small() {
      return random.nextInt(3) == 0 ? random.nextInt(200) : random.nextInt(100_000);
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      random.nextBytes(b);
      return b;
    }

    /** Up to {@code max} UTF-16 units: ASCII, two- and three-byte UTF-8, pairs and lone halves. */
    String string(int max) {
      int n = random.nextInt(4) == 0 ? 0 : random.nextInt(max + 1);
      StringBuilder s = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(6)) {
          case 0, 1 -> s.append((char) (32 + random.nextInt(95)));
          case 2 -> s.append((char) (0x80 + random.nextInt(0x780)));
          case 3 -> s.append((char) (0x800 + random.nextInt(0xD000)));
          case 4 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
          default -> s.append((char) (0xD800 + random.nextInt(0x800))); // an unpaired surrogate
        }
      }
      return s.toString();
    }
  }
}

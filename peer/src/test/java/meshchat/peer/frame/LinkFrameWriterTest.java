package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.wire.FrameEncoder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The direct writer's bytes are exactly what the generated classes make of {@link
 * LinkCodec#toFrame}, length prefix included, for any chat message, head and history batch: the
 * wire does not change with the writer.
 */
class LinkFrameWriterTest {
  private static final Identity ALICE = Identity.seeded(new SplittableRandom(11));

  /** The generated path: the frame built, serialized and prefixed as FrameEncoder does it. */
  private static byte[] generated(LinkMessage m) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder());
    ch.writeOutbound(LinkCodec.toFrame(m));
    ByteBuf b = ch.readOutbound();
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }

  /** What the writer makes of {@code m}: a live chat in full (no link context), else framed. */
  private static byte[] written(LinkMessage m) {
    return m instanceof LinkMessage.Chat c
        ? LinkFrameWriter.contextChat(c.message(), null, null, null)
        : LinkFrameWriter.framed(m);
  }

  private static void same(LinkMessage m) {
    assertThat(written(m)).as("%s", m).isEqualTo(generated(m));
  }

  private static String text(Random r, int max) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(max + 1);
    String alphabet = "ab cdé✓😀\u00ff\u0800";
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(r.nextInt(alphabet.length() - 1)));
      if (r.nextInt(20) == 0) {
        s.append("😀"); // a surrogate pair, whole
      }
    }
    return s.toString();
  }

  private static PeerId id(Random r) {
    byte[] b = new byte[1 + r.nextInt(r.nextBoolean() ? 16 : 64)];
    r.nextBytes(b);
    return PeerId.of(b);
  }

  private static ChatMessage message(Random r) {
    List<MessageId> deps = new ArrayList<>();
    for (int i = r.nextInt(r.nextBoolean() ? 3 : 64); i > 0; i--) {
      deps.add(new MessageId(id(r), 1 + (r.nextBoolean() ? r.nextInt(200) : r.nextLong(1L << 40))));
    }
    byte[] prev = new byte[r.nextBoolean() ? 32 : 0];
    r.nextBytes(prev);
    MessageId mid = new MessageId(id(r), 1 + r.nextInt(1 << (1 + r.nextInt(30))));
    long lamport = 1 + r.nextLong(1L << (1 + r.nextInt(50)));
    long wall = r.nextBoolean() ? 0 : r.nextLong(1L << 42);
    if (r.nextInt(4) == 0) {
      return ChatMessage.nickChange(mid, lamport, wall, text(r, 20), deps).chained(prev);
    }
    return new ChatMessage(
        mid, lamport, wall, text(r, 12), text(r, r.nextBoolean() ? 100 : 3000), deps, prev);
  }

  private static ChainHead head(Random r) {
    byte[] hash = new byte[32];
    byte[] sig = new byte[r.nextBoolean() ? 64 : 0];
    byte[] key = new byte[r.nextBoolean() ? 32 : 0];
    r.nextBytes(hash);
    r.nextBytes(sig);
    r.nextBytes(key);
    return new ChainHead(id(r), 1 + r.nextInt(1 << 20), hash, sig, key);
  }

  @Property(tries = 500)
  void aChatMessageIsWrittenAsTheGeneratedClassesWriteIt(@ForAll long seed) {
    same(new LinkMessage.Chat(message(new Random(seed))));
  }

  @Property(tries = 300)
  void aHeadIsWrittenAsTheGeneratedClassesWriteIt(@ForAll long seed) {
    same(new LinkMessage.Head(head(new Random(seed))));
  }

  @Property(tries = 100)
  void aBatchIsWrittenAsTheGeneratedClassesWriteIt(@ForAll long seed) {
    Random r = new Random(seed);
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = r.nextInt(r.nextBoolean() ? 4 : 300); i > 0; i--) {
      messages.add(message(r));
    }
    List<ChainHead> heads = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      heads.add(head(r));
    }
    long requestId = r.nextBoolean() ? 0 : r.nextLong();
    same(new LinkMessage.SyncBatch(requestId, messages, r.nextBoolean(), heads));
  }

  @Test
  void anAuthoredRunAndItsHeadReadBackThroughTheReader() {
    ChainAuthor alice = new ChainAuthor(ALICE, "lobby");
    List<ChatMessage> run = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      run.add(alice.next("line " + i));
    }
    LinkMessage batch = new LinkMessage.SyncBatch(3, run, true, List.of(alice.head()));
    for (LinkMessage m :
        List.of(new LinkMessage.Chat(run.get(0)), new LinkMessage.Head(alice.head()), batch)) {
      byte[] framed = written(m);
      same(m);
      // skip the one-or-two-byte length prefix
      int skip = (framed[0] & 0x80) == 0 ? 1 : (framed[1] & 0x80) == 0 ? 2 : 3;
      byte[] frame = Arrays.copyOfRange(framed, skip, framed.length);
      assertThat(LinkFrameReader.read(frame, 0, frame.length)).isEqualTo(m);
    }
  }

  @Test
  void otherFramesAreLeftToTheGeneratedClasses() {
    assertThat(LinkFrameWriter.framed(new LinkMessage.Ping(7))).isNull();
    // a live chat is written in its link's context, never by framed
    assertThat(
            LinkFrameWriter.framed(new LinkMessage.Chat(new ChainAuthor(ALICE, "lobby").next("x"))))
        .isNull();
  }
}

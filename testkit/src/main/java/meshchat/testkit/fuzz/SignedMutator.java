package meshchat.testkit.fuzz;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.SyncBatch;
import meshchat.wire.CanonicalBytes;

/**
 * Validly signed chat messages with extreme numbers: what a hostile member (who holds its own key)
 * can send that byte mutation almost never reaches, because any flipped bit breaks the signature.
 * Each field (seq, lamport, wall time, each dep's seq, the number of deps) is drawn from the values
 * that break arithmetic (0, ±1, 2^62 ± 1, 2^63 − 1, −2^63) or near the last one drawn, so that runs
 * of a growing clock and chains of deps appear too. Sent live (Chat, then the Head that signs it)
 * or as history (a SyncBatch with its head).
 */
final class SignedMutator {
  private static final long[] EXTREME = {
    0,
    1,
    -1,
    2,
    WireBounds.MAX_SEQ - 1,
    WireBounds.MAX_SEQ,
    WireBounds.MAX_SEQ + 1,
    Long.MAX_VALUE - 1,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    1L << 32,
    (1L << 32) + 1,
    WireBounds.MAX_WALL_TIME_MS,
    WireBounds.MAX_WALL_TIME_MS + 1
  };

  private final SplittableRandom random;
  private long lastSeq = 1;
  private long lastLamport = 1;

  SignedMutator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * The frame bodies of one input, signed by {@link Seeds#OTHER}: a Chat then the Head that covers
   * it (live), or a one-message SyncBatch that carries its head (history).
   */
  List<byte[]> next() {
    long seq = pick(lastSeq);
    long lamport = pick(lastLamport);
    long wall = random.nextInt(4) == 0 ? pick(0) : 1_700_000_000_000L;
    int depCount = random.nextInt(10) == 0 ? 65 : random.nextInt(4);
    List<long[]> deps = new ArrayList<>();
    for (int i = 0; i < depCount; i++) {
      deps.add(new long[] {random.nextInt(3), pick(lastSeq)});
    }
    lastSeq = seq;
    lastLamport = lamport;
    Signed s = signed(seq, lamport, wall, deps);
    if (random.nextBoolean()) {
      return List.of(
          LinkFrame.newBuilder().setChat(s.chat).build().toByteArray(),
          LinkFrame.newBuilder().setHead(s.head).build().toByteArray());
    }
    return List.of(
        LinkFrame.newBuilder()
            .setSyncBatch(
                SyncBatch.newBuilder()
                    .setRequestId(pick(0))
                    .setDone(true)
                    .addMessages(s.chat)
                    .addHeads(s.head))
            .build()
            .toByteArray());
  }

  private long pick(long near) {
    return switch (random.nextInt(4)) {
      case 0 -> EXTREME[random.nextInt(EXTREME.length)];
      case 1 -> near + random.nextInt(-2, 3);
      case 2 -> near + (1L << random.nextInt(0, 40));
      default -> random.nextLong(1, 1_000);
    };
  }

  private static PeerId depOrigin(long which) {
    return which == 0 ? Seeds.OTHER : which == 1 ? Seeds.SELF : PeerId.fromHex("0c0ffee0");
  }

  private record Signed(meshchat.proto.v1.ChatMessage chat, meshchat.proto.v1.ChainHead head) {}

  private static final byte[] PREV = new byte[ChatMessage.HASH_BYTES];

  private static Signed signed(long seq, long lamport, long wall, List<long[]> deps) {
    try {
      // in range: chained and signed by the product's own code, so its layout is the one in use
      List<MessageId> ids = new ArrayList<>();
      for (long[] d : deps) {
        ids.add(new MessageId(depOrigin(d[0]), d[1]));
      }
      ChatMessage m =
          new ChatMessage(new MessageId(Seeds.OTHER, seq), lamport, wall, "o", "x", ids)
              .chained(PREV);
      ChainHead head =
          MessageSigning.signer(Seeds.OTHER_KEY, Seeds.ROOM)
              .signHead(Seeds.OTHER, seq, MessageSigning.hash(m, Seeds.ROOM));
      return new Signed(
          LinkCodec.toFrame(new LinkMessage.Chat(m)).getChat(),
          LinkCodec.toFrame(new LinkMessage.Head(head)).getHead());
    } catch (IllegalArgumentException outOfRange) {
      // no domain record holds these numbers: hash and sign the documented layout by hand, as an
      // attacker would (docs/protocol.md, "Hash chain")
      CanonicalBytes c =
          CanonicalBytes.of("meshchat/chat/v2")
              .string(Seeds.ROOM)
              .bytes(Seeds.OTHER.toBytes())
              .u64(seq)
              .u64(lamport)
              .u64(wall)
              .string("o")
              .string("x")
              .u64(deps.size());
      meshchat.proto.v1.ChatMessage.Builder b =
          meshchat.proto.v1.ChatMessage.newBuilder()
              .setOrigin(ByteString.copyFrom(Seeds.OTHER.toBytes()))
              .setSeq(seq)
              .setLamport(lamport)
              .setWallTimeMs(wall)
              .setNick("o")
              .setText("x")
              .setPrev(ByteString.copyFrom(PREV));
      for (long[] d : deps) {
        PeerId o = depOrigin(d[0]);
        c.bytes(o.toBytes()).u64(d[1]);
        b.addDeps(
            meshchat.proto.v1.MessageId.newBuilder()
                .setOrigin(ByteString.copyFrom(o.toBytes()))
                .setSeq(d[1]));
      }
      byte[] hash = sha256(c.bytes(PREV).toByteArray());
      byte[] sig =
          Seeds.OTHER_KEY.sign(MessageSigning.canonicalHead(Seeds.OTHER, seq, hash, Seeds.ROOM));
      meshchat.proto.v1.ChainHead head =
          meshchat.proto.v1.ChainHead.newBuilder()
              .setOrigin(ByteString.copyFrom(Seeds.OTHER.toBytes()))
              .setSeq(seq)
              .setHash(ByteString.copyFrom(hash))
              .setSignature(ByteString.copyFrom(sig))
              .setPublicKey(ByteString.copyFrom(Seeds.OTHER_KEY.publicKey()))
              .build();
      return new Signed(b.build(), head);
    }
  }

  private static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

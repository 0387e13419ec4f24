package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.wire.Ed25519;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * A head's check, made in the thread's buffers, gives the verdict of the plain check it replaced:
 * the key's fingerprint is the origin, and the signature verifies over {@link
 * MessageSigning#canonicalHead}, for any room (rooms alternating on one thread, rooms that outgrow
 * the buffer), seq and hash, and for every kind of damage.
 */
class MessageSigningTest {
  private static final Identity AUTHOR = Identity.generate();
  private static final Identity OTHER = Identity.generate();

  private static String plainProblem(ChainHead head, byte[] key, String room) {
    if (!Ed25519.owns(key, head.origin().toBytes())) {
      return "key";
    }
    byte[] signed = MessageSigning.canonicalHead(head.origin(), head.seq(), head.hash(), room);
    return Ed25519.verify(key, signed, head.signature()) ? null : "signature";
  }

  private static String verdict(String problem) {
    if (problem == null) {
      return null;
    }
    return problem.contains("not its origin's") ? "key" : "signature";
  }

  @Property(tries = 300)
  void aHeadsCheckInTheThreadsBuffersGivesThePlainChecksVerdict(
      @ForAll @StringLength(max = 400) String room,
      @ForAll @StringLength(max = 40) String otherRoom,
      @ForAll @LongRange(min = 1, max = 1L << 62) long seq,
      @ForAll @Size(32) byte[] hash,
      @ForAll @IntRange(min = 0, max = 6) int damage,
      @ForAll @IntRange(min = 0, max = 511) int bit) {
    byte[] sig = AUTHOR.sign(MessageSigning.canonicalHead(AUTHOR.peerId(), seq, hash, room));
    byte[] key = AUTHOR.publicKey();
    String checkedIn = room;
    switch (damage) {
      case 1 -> sig[bit / 8] ^= (byte) (1 << (bit % 8)); // a bit of the signature
      case 2 -> hash[bit % 32] ^= (byte) (1 << (bit % 8)); // the hash it names
      case 3 -> checkedIn = otherRoom; // checked in another room
      case 4 -> key = OTHER.publicKey(); // another key
      case 5 -> key = new byte[31]; // a key of the wrong length
      case 6 -> seq = seq == 1 ? 2 : seq - 1; // another seq
      default -> {} // none
    }
    ChainHead head = new ChainHead(AUTHOR.peerId(), seq, hash, sig, AUTHOR.publicKey());
    // the other room first, so the thread's kept room start changes between checks
    MessageSigning.headProblem(head, key, otherRoom);
    String expected = plainProblem(head, key, checkedIn);
    assertThat(verdict(MessageSigning.headProblem(head, key, checkedIn))).isEqualTo(expected);
    if (damage == 0 || damage == 3 && otherRoom.equals(room)) {
      assertThat(expected).isNull();
    } else if (damage != 3) {
      assertThat(expected).isNotNull();
    }
  }

  /**
   * The chain hash is the same bytes whichever SHA-256 computes it (Bouncy Castle's under C1 alone,
   * the JDK's with C2: {@link MessageSigning#CHAIN_BY_BOUNCY_CASTLE}), for texts and nicks across
   * SHA-256's 64-byte block edges, any kind, deps and numbers at their bounds, chained or not.
   */
  @Property(tries = 400)
  void theChainHashIsTheSameByEitherSha256(
      @ForAll @StringLength(max = 300) String text,
      @ForAll @StringLength(max = 70) String nick,
      @ForAll @StringLength(max = 90) String room,
      @ForAll @LongRange(min = 1, max = 1L << 62) long seq,
      @ForAll @LongRange(min = 1, max = 1L << 62) long lamport,
      @ForAll @LongRange(min = 0, max = 253_402_300_799_999L)
          long wall, // WireBounds.MAX_WALL_TIME_MS
      @ForAll @IntRange(min = 0, max = 8) int deps,
      @ForAll boolean nickChange,
      @ForAll @Size(32) byte[] prev,
      @ForAll boolean chained) {
    List<MessageId> ids = new ArrayList<>();
    for (int d = 0; d < deps; d++) {
      ids.add(new MessageId(OTHER.peerId(), seq - d > 0 ? seq - d : 1));
    }
    MessageId id = new MessageId(AUTHOR.peerId(), seq);
    ChatMessage m =
        nickChange
            ? ChatMessage.nickChange(id, lamport, wall, nick, ids)
            : new ChatMessage(id, lamport, wall, nick, text, ids);
    if (chained) {
      m = m.chained(prev);
    }
    byte[] byBouncyCastle = MessageSigning.hash(m, room, true);
    assertThat(MessageSigning.hash(m, room, false)).isEqualTo(byBouncyCastle);
    assertThat(MessageSigning.hash(m, room)).isEqualTo(byBouncyCastle);
  }
}

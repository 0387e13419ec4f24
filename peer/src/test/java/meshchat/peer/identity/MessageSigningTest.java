package meshchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.ChainHead;
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
}

package meshchat.peer.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PeerIdTest {

  @Property
  void hexRoundTrips(@ForAll @Size(min = 1, max = PeerId.MAX_BYTES) byte[] bytes) {
    PeerId id = PeerId.of(bytes);
    assertThat(PeerId.fromHex(id.hex())).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(PeerId.fromHex(id.hex().toUpperCase())).isEqualTo(id);
    assertThat(id.toBytes()).isEqualTo(bytes);
    assertThat(id.hex()).hasSize(2 * bytes.length).matches("[0-9a-f]+");
  }

  @Property
  void comparesAsUnsignedBytes(
      @ForAll @Size(min = 1, max = 8) byte[] a, @ForAll @Size(min = 1, max = 8) byte[] b) {
    int expected = Integer.signum(PeerId.of(a).hex().compareTo(PeerId.of(b).hex()));
    // lowercase hex of equal-length prefixes sorts like unsigned bytes; a prefix sorts first
    assertThat(Integer.signum(PeerId.of(a).compareTo(PeerId.of(b)))).isEqualTo(expected);
  }

  @Test
  void highBitBytesSortAfterLowOnes() {
    assertThat(PeerId.fromHex("80")).isGreaterThan(PeerId.fromHex("7f"));
    assertThat(PeerId.fromHex("ff00")).isGreaterThan(PeerId.fromHex("01ff"));
    assertThat(PeerId.fromHex("01")).isLessThan(PeerId.fromHex("0100"));
  }

  @Test
  void isAValueNotAnArrayReference() {
    byte[] raw = {1, 2, 3};
    PeerId id = PeerId.of(raw);
    raw[0] = 9; // the caller's array is copied in
    assertThat(id).isEqualTo(PeerId.fromHex("010203"));
    id.toBytes()[0] = 9; // and copied out
    assertThat(id.hex()).isEqualTo("010203");
    assertThat(id).isNotEqualTo(PeerId.fromHex("01020304")).isNotEqualTo("010203");
  }

  @Test
  void shortHexIsTheFirstEightDigits() {
    assertThat(PeerId.fromHex("0123456789abcdef").shortHex()).isEqualTo("01234567");
    assertThat(PeerId.fromHex("abcd").shortHex()).isEqualTo("abcd");
  }

  @Test
  void randomIdsAreSixteenBytesAndReproducibleFromASeed() {
    PeerId a = PeerId.random(new SplittableRandom(7));
    assertThat(a.toBytes()).hasSize(16);
    assertThat(PeerId.random(new SplittableRandom(7))).isEqualTo(a);
    assertThat(PeerId.random(new SplittableRandom(8))).isNotEqualTo(a);
  }

  @Test
  void malformedHexAndBadLengthsAreRefused() {
    assertThatThrownBy(() -> PeerId.fromHex("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerId.fromHex("zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerId.fromHex("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerId.of(new byte[PeerId.MAX_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void messageIdsPrintAsOriginColonSeqAndKnowTheirPredecessor() {
    MessageId id = new MessageId(PeerId.fromHex("ab"), 3);
    assertThat(id).hasToString("ab:3");
    assertThat(id.previous()).isEqualTo(new MessageId(PeerId.fromHex("ab"), 2));
    assertThat(new MessageId(PeerId.fromHex("ab"), 1).previous()).isNull();
    assertThatThrownBy(() -> new MessageId(PeerId.fromHex("ab"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

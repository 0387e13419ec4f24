package meshchat.peer.nick;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.text.SpoofChecker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code confusables.bin} is ICU's confusables data, and {@link Confusables#skeleton} is ICU's
 * skeleton. When ICU's version changes and the table no longer matches, this test writes the table
 * it expects to {@code core/target/confusables.bin}: copy that over the resource.
 */
class ConfusablesTableTest {
  private static final SpoofChecker ICU = new SpoofChecker.Builder().build();

  @Test
  void theTableIsIcusForEveryCodePointNfdLeavesAlone() throws IOException {
    SortedMap<Integer, String> prototypes = new TreeMap<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        continue;
      }
      String s = new String(Character.toChars(cp));
      if (!Normalizer.normalize(s, Normalizer.Form.NFD).equals(s)) {
        continue;
      }
      String sk = ICU.getSkeleton(s);
      if (!sk.equals(s)) {
        prototypes.put(cp, sk);
      }
    }
    byte[] want = Confusables.write(prototypes);
    byte[] have;
    try (InputStream in = Confusables.class.getResourceAsStream(Confusables.RESOURCE)) {
      have = in.readAllBytes();
    }
    if (!Arrays.equals(have, want)) {
      Files.write(Path.of("target", Confusables.RESOURCE), want);
    }
    assertThat(have)
        .as(
            "%s differs from ICU's table: copy core/target/%s over"
                + " core/src/main/resources/meshchat/peer/nick/%s",
            Confusables.RESOURCE, Confusables.RESOURCE, Confusables.RESOURCE)
        .isEqualTo(want);
    assertThat(prototypes).hasSizeGreaterThan(9_000).containsEntry(0x430, "a");
  }

  @Test
  void theSkeletonIsIcusForEveryCodePointThisJavaKnows() {
    List<String> differ = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (!Character.isDefined(cp) || Character.getType(cp) == Character.SURROGATE) {
        continue;
      }
      String s = new String(Character.toChars(cp));
      if (!Confusables.skeleton(s).equals(ICU.getSkeleton(s)) && differ.size() < 20) {
        differ.add(Integer.toHexString(cp));
      }
    }
    assertThat(differ).isEmpty();
    assertThat(Confusables.skeleton("\u0430lice")).isEqualTo("alice");
    assertThat(Confusables.skeleton("mallory")).isEqualTo("rnallory");
  }
}

package meshchat.testkit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MemoryPartsTest {
  static final class Leaf {
    long value;
    int[] numbers = new int[10];
  }

  static final class Holder {
    Leaf leaf = new Leaf();
    Object shared;
    Map<String, Leaf> map = new HashMap<>();
  }

  @Test
  void anObjectAndItsArrayAreChargedToTheirPathsAtTheJvmsLayout() {
    MemoryParts m = new MemoryParts(3, o -> false);
    m.charge(new Leaf());
    // header 12 + long 8 + reference 4 = 24; int[10]: header 16 + 40 = 56
    assertThat(m.parts()).containsExactly(Map.entry("numbers", 56L), Map.entry("(root)", 24L));
    assertThat(m.total()).isEqualTo(80);
  }

  @Test
  void whatAnotherRootReachesIsNotChargedAndWhatIsOutsideIsNotEntered() {
    Leaf common = new Leaf();
    Holder a = new Holder();
    Holder b = new Holder();
    a.shared = common;
    b.shared = common;
    MemoryParts m = new MemoryParts(3, o -> o == b.leaf);
    m.exclude(a);
    m.charge(b);
    assertThat(m.parts()).doesNotContainKeys("shared", "shared.numbers", "leaf", "leaf.numbers");
    assertThat(m.parts()).containsKeys("(root)", "map");
  }

  @Test
  void aJdkMapIsSizedFromItsEntriesAndItsContentsAreWalked() {
    Holder h = new Holder();
    h.leaf = null;
    h.map.put("a", new Leaf());
    h.map.put("b", new Leaf());
    MemoryParts m = new MemoryParts(1, o -> false);
    m.charge(h);
    long map = 56 + (16 + 4 * 16) + 2 * 32; // the map, its 16-slot table, two nodes
    long keys = 2 * (24 + 24); // two one-letter strings and their byte arrays
    long values = 2 * (24 + 56);
    assertThat(m.parts().get("map")).isEqualTo(map + keys + values);
  }

  @Test
  void simChargesOnePeersOwnStateToItsParts() {
    CliRun r =
        CliRun.run(
            "sim",
            "--peers",
            "6",
            "--messages",
            "3",
            "--seed",
            "2",
            "--json",
            "--memory",
            "--memory-parts");
    assertThat(r.code()).isZero();
    Matcher bytes =
        Pattern.compile("\"parts\":\\{\"peer\":\"p0\",\"bytes\":(\\d+),").matcher(r.out());
    assertThat(bytes.find()).as(r.out()).isTrue();
    assertThat(Long.parseLong(bytes.group(1))).isPositive();
    // parts under 0.5% of the peer's bytes are summed as "(other)": in a 6-peer room the
    // per-author ones are (a holding 1..n is a shared set: the holdings are an array of 6 slots)
    assertThat(r.out()).contains("\"room.admission.recent\":", "\"room.links\":", "\"(other)\":");
  }

  @Test
  void memoryPartsWithoutMemoryIsOneLineAndExitTwo() {
    CliRun r = CliRun.run("sim", "--peers", "3", "--memory-parts");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("meshchat sim: --memory-parts needs --memory\n");
    assertThat(r.out()).isEmpty();
  }
}

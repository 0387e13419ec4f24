package meshchat.tracker.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-8/9: the share of a full table (a room's members, the tracker's sessions) one
 * network holds, and who makes room for a newcomer ({@link PrefixShares}).
 */
class PrefixSharesTest {

  /** A table of {@code capacity} entries run as the Directory and TrackerHub run theirs. */
  static final class Table {
    final int capacity;
    final PrefixShares<Integer> shares = new PrefixShares<>();
    final Map<Integer, String> groupOf = new HashMap<>();
    int next;

    Table(int capacity) {
      this.capacity = capacity;
    }

    /** Offers one entry from {@code group}: true if it was admitted (dropping another if full). */
    boolean offer(String group) {
      if (shares.size() >= capacity) {
        Integer victim = shares.victimFor(group);
        if (victim == null) {
          return false;
        }
        shares.remove(victim);
        groupOf.remove(victim);
      }
      int e = next++;
      shares.add(e, group);
      groupOf.put(e, group);
      return true;
    }

    int most() {
      Map<String, Integer> n = new HashMap<>();
      groupOf.values().forEach(g -> n.merge(g, 1, Integer::sum));
      return n.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
  }

  /**
   * For any mix of sources offering entries in any order: the table never holds more than its
   * capacity, the counts match, a newcomer is refused only when no network holds more than one
   * entry more than the newcomer's (so once every network has offered until refused, none holds
   * more than {@code ceil(capacity / networks) + 1}), and a newcomer from a network with no entry
   * is admitted whenever some network holds two or more.
   */
  @Property(tries = 300)
  void noNetworkExceedsItsShareAndAnUnrepresentedNewcomerIsAdmitted(
      @ForAll @IntRange(min = 1, max = 60) int capacity,
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 11) Integer> offers) {
    Table t = new Table(capacity);
    for (int o : offers) {
      String g = "net" + o;
      int mine = t.shares.held(g);
      int most = t.most();
      boolean full = t.groupOf.size() >= capacity;
      boolean admitted = t.offer(g);
      assertThat(t.shares.size()).isEqualTo(t.groupOf.size()).isLessThanOrEqualTo(capacity);
      assertThat(admitted)
          .as("%s holding %d, most %d", g, mine, most)
          .isEqualTo(!full || most > mine + 1);
      assertThat(t.shares.held(g)).isEqualTo(admitted ? mine + 1 : mine);
    }
    // every network offers round after round until a whole round is refused: the fair share
    List<String> nets = new ArrayList<>();
    offers.stream().distinct().forEach(o -> nets.add("net" + o));
    boolean any = true;
    while (any) {
      any = false;
      for (String g : nets) {
        any |= t.offer(g);
      }
    }
    int share = (capacity + nets.size() - 1) / nets.size() + 1;
    for (String g : nets) {
      assertThat(t.shares.held(g))
          .as("%s of %d networks", g, nets.size())
          .isLessThanOrEqualTo(share);
    }
    boolean someHoldTwo = t.most() >= 2;
    assertThat(t.offer("honest")).as("an unrepresented newcomer").isEqualTo(someHoldTwo);
    assertThat(t.shares.held("honest")).isEqualTo(someHoldTwo ? 1 : 0);
  }

  @Test
  void theYoungestEntryOfTheMostRepresentedNetworkMakesRoom() {
    PrefixShares<String> s = new PrefixShares<>();
    s.add("a1", "a");
    s.add("b1", "b");
    s.add("a2", "a");
    s.add("a3", "a");
    s.add("b2", "b");
    assertThat(s.victimFor("c")).isEqualTo("a3");
    assertThat(s.victimFor("b")).as("a holds only one more than b would").isNull();
    assertThat(s.victimFor("a")).isNull();
    s.remove("a3");
    // a and b hold two each: the tie goes to the network whose entry is youngest
    assertThat(s.victimFor("c")).isEqualTo("b2");
    assertThat(s.victimFor("a")).isNull(); // never below one more than the newcomer's
    s.remove("b2");
    s.remove("a2");
    assertThat(s.victimFor("c")).as("one entry each: nobody is dropped").isNull();
  }

  @Test
  void networksAreIpv6Slash48sAndIpv4Slash24s() {
    assertThat(PrefixShares.group("2001:db8:0:101::1")).isEqualTo("2001:db8::/48");
    assertThat(PrefixShares.group("2001:db8:0:ffff:1:2:3:4"))
        .isEqualTo(PrefixShares.group("2001:db8::1"));
    assertThat(PrefixShares.group("2001:db8:1::1")).isNotEqualTo(PrefixShares.group("2001:db8::1"));
    assertThat(PrefixShares.group("192.0.2.7")).isEqualTo("192.0.2.0/24");
    assertThat(PrefixShares.group("::ffff:192.0.2.200")).isEqualTo("192.0.2.0/24");
    assertThat(PrefixShares.group("127.0.0.1")).isEqualTo(PrefixShares.group("127.0.0.2"));
    assertThat(PrefixShares.group("not-an-ip")).isEqualTo("not-an-ip");
  }
}

package meshchat.peer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.message.PeerId;
import meshchat.peer.room.NewAuthors;
import meshchat.wire.NetGroup;
import meshchat.wire.SourceKey;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md "New authors per source": a new author is charged to its link's source (an IPv4
 * address or an IPv6 /64, {@link SourceKey}) and to that source's network ({@link NetGroup#site}:
 * an IPv6 /48, an IPv4 address), the keys the runtime gives the room (NodeLinks.linkUp), and a
 * network's sources share {@link NewAuthors#NETWORK_SOURCES} sources' budgets. rev36 FINDING-4:
 * until session 36 only the source was charged, and one /48 (65,536 /64s, a hosting customer's,
 * often free) had 4,097 budgets, 262,208 new authors a day; here 200 /64s of one /48 brought 12,800
 * within a minute.
 */
class NewAuthorsPerNetworkTest {
  private static final int BUDGET = 64;

  private static PeerId origin(int o) {
    return PeerId.of(new byte[] {7, (byte) (o >> 16), (byte) (o >> 8), (byte) o});
  }

  /** Offers {@code n} fresh origins from {@code address}; returns how many were admitted. */
  private static int offer(NewAuthors authors, String address, int from, int n, long now) {
    NewAuthors.Link link =
        authors.link(SourceKey.text(address), NetGroup.site(address), now, false);
    int admitted = 0;
    for (int o = from; o < from + n; o++) {
      if (authors.allows(link, origin(o), now)) {
        authors.admitted(link, origin(o), now);
        authors.stored(origin(o));
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void theSourcesOfOneSlash48ShareAFewSourcesBudgetsNotOneEach() {
    NewAuthors authors = new NewAuthors(BUDGET);
    long now = 1_000_000L;
    int admitted = 0;
    int o = 0;
    for (int net = 0; net < 200; net++, o += BUDGET) {
      admitted += offer(authors, "2001:db8:77:" + Integer.toHexString(net) + "::1", o, BUDGET, now);
    }
    assertThat(admitted)
        .as("new authors one /48 brought within a minute (budget %d a source)", BUDGET)
        .isEqualTo(NewAuthors.NETWORK_SOURCES * BUDGET);
    // another /48 of the same provider (one NetGroup, a /32) has its own network budget
    assertThat(NetGroup.text("2001:db8:78::1")).isEqualTo(NetGroup.text("2001:db8:77::1"));
    assertThat(offer(authors, "2001:db8:78:1::1", o, BUDGET, now)).isEqualTo(BUDGET);
    // IPv4 addresses are networks of their own: two of one /16 each have a source's budget
    assertThat(offer(authors, "203.0.113.1", o + BUDGET, BUDGET, now)).isEqualTo(BUDGET);
    assertThat(offer(authors, "203.0.113.2", o + 2 * BUDGET, BUDGET, now)).isEqualTo(BUDGET);
    // the day rolls: the /48 has its budget again
    long later = now + 24 * 3_600_000L;
    assertThat(offer(authors, "2001:db8:77:ffff::9", o + 3 * BUDGET, 10 * BUDGET, later))
        .isEqualTo(BUDGET);
  }
}

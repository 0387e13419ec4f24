package meshchat.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;
import meshchat.wire.NetGroup;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The peer cache's bounds under any mix of peers met, linked and unlinked, from few or many sources
 * (IPv4 addresses and addresses of a few IPv6 /64s in two /48s): never more than {@link
 * PeerCache#MAX_ENTRIES} entries, never more than {@link PeerCache#MAX_PER_SOURCE} of one network
 * (an IPv4 address, an IPv6 /48) in a room, and a peer linked now stays while the cache holds any
 * entry that is not linked (of its own network, for the per-network bound). What is written is what
 * is read back.
 */
class PeerCacheBoundsTest {
  @Property(tries = 60)
  void noSourceOverItsShareNeverOverTheBoundAndLinkedPeersStay(
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 9_999) Integer> steps)
      throws Exception {
    Path dir = Files.createTempDirectory("peer-cache-bounds");
    try {
      Path file = dir.resolve("peers");
      PeerCache c = PeerCache.load(file, p -> {}, 0, Runnable::run);
      SplittableRandom random = new SplittableRandom(steps.size());
      List<PeerAddress> met = new ArrayList<>();
      Set<PeerId> linked = new HashSet<>();
      long now = 1;
      for (int step : steps) {
        now++;
        int op = step % 4;
        List<PeerAddress> before = c.peers("lobby");
        if (op <= 1 || met.isEmpty()) { // a new peer, from one of 40 hosts, some in one /64
          int h = step / 4 % 40; // the IPv6 ones in 3 /64s of each of 2 /48s
          String host =
              h < 20 ? "10.0.0." + h : "2001:db8:" + (h % 2) + ":" + (h % 3) + "::" + (h + 1);
          PeerAddress a = new PeerAddress(PeerId.random(random), "p", host, 7000);
          met.add(a);
          c.seen("lobby", a, now);
        } else if (op == 2) { // a link comes up
          PeerAddress a = met.get(step / 4 % met.size());
          if (linked.size() < 32) {
            linked.add(a.peerId());
            c.linked("lobby", a.peerId(), true, now);
          }
        } else { // a link goes
          PeerAddress a = met.get(step / 4 % met.size());
          if (linked.remove(a.peerId())) {
            c.linked("lobby", a.peerId(), false, now);
          }
        }
        List<PeerAddress> held = c.peers("lobby");
        assertThat(held.size()).isLessThanOrEqualTo(PeerCache.MAX_ENTRIES);
        Map<String, Integer> perSource = new HashMap<>();
        for (PeerAddress a : held) {
          perSource.merge(NetGroup.site(a.host()), 1, Integer::sum);
        }
        assertThat(perSource.values()).allMatch(n -> n <= PeerCache.MAX_PER_SOURCE);
        // what went: never a linked peer while its source (or the cache) held one not linked
        List<PeerAddress> gone = new ArrayList<>(before);
        gone.removeAll(held);
        for (PeerAddress g : gone) {
          String source = NetGroup.site(g.host());
          // (the cache's own bound never reaches a linked peer: at most 32 are linked)
          boolean sourceAllLinked =
              held.stream()
                  .filter(a -> NetGroup.site(a.host()).equals(source))
                  .allMatch(a -> linked.contains(a.peerId()));
          if (linked.contains(g.peerId())) {
            assertThat(sourceAllLinked)
                .as("%s went while its source held a peer not linked", g)
                .isTrue();
          }
        }
      }
      assertThat(PeerCache.load(file, p -> {}, now, Runnable::run).peers("lobby"))
          .containsExactlyInAnyOrderElementsOf(c.peers("lobby"));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }
}

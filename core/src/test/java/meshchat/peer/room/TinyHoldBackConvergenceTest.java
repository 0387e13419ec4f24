package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the hold-back budget, and whatever order messages arrive in, a peer whose neighbours
 * hold everything ends up holding everything too: anti-entropy is never starved by the budget.
 */
class TinyHoldBackConvergenceTest {

  @Property(tries = 200)
  void everyArrivalOrderConvergesWhateverTheHoldBackBudget(
      @ForAll @Size(max = 160) List<@IntRange(min = 0, max = 999) Integer> actions,
      @ForAll @IntRange(min = 0, max = 4) int budget,
      @ForAll boolean chained) {
    RoomConfig config =
        RoomConfig.defaults()
            .with(
                d -> {
                  d.maxHeldPerLink = budget;
                  d.maxHeldPerOrigin = budget;
                  d.syncMaxMessages = 8;
                });
    Mesh mesh = new Mesh(config, chained, "alice", "bob", "carol", "dave").fullMesh();
    List<ChatMessage> sent = new ArrayList<>();
    for (int a : actions) {
      int kind = a % 10;
      int arg = a / 10;
      if (kind < 4) {
        ChatMessage m = mesh.peers().get(arg % 4).send("m" + sent.size());
        if (m != null) {
          sent.add(m);
        }
      } else if (kind < 9) {
        List<List<PeerId>> busy = mesh.busyLinks();
        for (int k = 0; k <= arg % 3 && !busy.isEmpty(); k++) {
          mesh.deliverOn(busy.get((arg + k) % busy.size()));
          busy = mesh.busyLinks();
        }
      } else if (arg % 5 < 4) {
        mesh.time.advance(arg * 30L); // timers fire; in-flight messages stay in flight
      } else {
        List<String> ns = mesh.names();
        String x = ns.get(arg % 4);
        String y = ns.get((arg / 4 + 1 + arg % 4) % 4);
        if (mesh.isLinked(mesh.peer(x), mesh.peer(y))) {
          mesh.unlink(x, y); // what was in flight on it is lost
        } else {
          mesh.link(x, y);
        }
      }
    }
    List<String> ns = mesh.names();
    for (int i = 0; i < ns.size(); i++) {
      for (int j = i + 1; j < ns.size(); j++) {
        if (!mesh.isLinked(mesh.peer(ns.get(i)), mesh.peer(ns.get(j)))) {
          mesh.link(ns.get(i), ns.get(j));
        }
      }
    }
    mesh.run(120 * config.syncIntervalMs());

    List<MessageId> all = sent.stream().map(ChatMessage::id).toList();
    for (Peer p : mesh.peers()) {
      assertThat(p.history()).as("%s's history", p.name).containsExactlyInAnyOrderElementsOf(all);
      assertThat(p.room.lagByPeer().values()).as("%s's lag", p.name).allMatch(l -> l == 0);
      assertThat(p.room.heldBackCount()).as("%s holds back", p.name).isZero();
    }
  }
}

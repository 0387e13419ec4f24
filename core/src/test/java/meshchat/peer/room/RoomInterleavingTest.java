package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Mesh.Peer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the network does to the order and timing of messages between three rooms (per-link FIFO
 * kept, as TCP keeps it; links may break and come back), every room ends with the same history and
 * every room showed each message once, after everything it depends on.
 */
class RoomInterleavingTest {
  // a hold-back timeout longer than the run: every delivery must be causal, none incomplete
  static final RoomConfig CONFIG =
      RoomConfig.defaults()
          .with(
              cfg -> {
                cfg.syncIntervalMs = 1_000;
                cfg.holdBackTimeoutMs = 3_600_000;
              });

  @Property(tries = 300)
  void everyInterleavingConvergesToOneCausalHistory(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 999) Integer> actions,
      @ForAll boolean line) {
    Mesh mesh = new Mesh(CONFIG, "alice", "bob", "carol");
    List<List<String>> topology =
        line
            ? List.of(List.of("alice", "bob"), List.of("bob", "carol"))
            : List.of(List.of("alice", "bob"), List.of("bob", "carol"), List.of("alice", "carol"));
    topology.forEach(p -> mesh.link(p.get(0), p.get(1)));
    List<ChatMessage> sent = new ArrayList<>();

    for (int a : actions) {
      int kind = a % 10;
      int arg = a / 10;
      if (kind < 3) {
        sent.add(mesh.peers().get(arg % 3).send("m" + sent.size()));
      } else if (kind < 8) {
        List<List<PeerId>> busy = mesh.busyLinks();
        if (!busy.isEmpty()) {
          mesh.deliverOn(busy.get(arg % busy.size()));
        }
      } else if (kind == 8) {
        mesh.time.advance(arg * 10L); // timers fire; in-flight messages stay in flight
      } else {
        List<String> pair = topology.get(arg % topology.size());
        Peer x = mesh.peer(pair.get(0));
        Peer y = mesh.peer(pair.get(1));
        if (mesh.isLinked(x, y)) {
          mesh.unlink(x.name, y.name); // what was in flight on it is lost
        } else {
          mesh.link(x.name, y.name);
        }
      }
    }
    for (List<String> p : topology) {
      if (!mesh.isLinked(mesh.peer(p.get(0)), mesh.peer(p.get(1)))) {
        mesh.link(p.get(0), p.get(1));
      }
    }
    mesh.run(30_000);

    List<MessageId> all = sent.stream().map(ChatMessage::id).toList();
    List<MessageId> canonical = mesh.peer("alice").history();
    assertThat(canonical).containsExactlyInAnyOrderElementsOf(all);
    for (Peer p : mesh.peers()) {
      assertThat(p.history()).as("%s's history", p.name).isEqualTo(canonical);
      assertThat(p.shownIds()).as("%s showed", p.name).containsExactlyInAnyOrderElementsOf(all);
      assertThat(p.room.heldBackCount()).isZero();
      assertCausal(p);
    }
  }

  private static void assertCausal(Peer p) {
    Set<MessageId> seen = new HashSet<>();
    for (Delivery d : p.deliveries) {
      ChatMessage m = d.message();
      assertThat(d.incomplete()).as("%s showed %s incomplete", p.name, m.id()).isFalse();
      MessageId prev = m.id().previous();
      if (prev != null) {
        assertThat(seen).as("%s showed %s before %s (FIFO)", p.name, m.id(), prev).contains(prev);
      }
      for (MessageId dep : m.deps()) {
        assertThat(seen).as("%s showed %s before its dep %s", p.name, m.id(), dep).contains(dep);
      }
      seen.add(m.id());
    }
  }
}

package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever proofs come, of any size up to a frame, against strangers or the room's authors, lower
 * ones for authors already proven and strangers met meanwhile, in any order: strangers' proofs
 * never hold more than their count and bytes, and the room's authors' never more than theirs plus
 * what strangers met brought (at most the strangers' bytes).
 */
class EquivocationsBudgetPropertyTest {
  private final TestChainSigner signer = new TestChainSigner();

  @Property(tries = 30)
  void theBudgetsHoldWhateverComes(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    Equivocations held = new Equivocations(null, signer);
    List<PeerId> authors = new ArrayList<>();
    long metBytes = 0; // bytes of proofs moved from the strangers' budget when their author was met
    for (int i = 0; i < steps; i++) {
      int op = random.nextInt(4);
      if (op == 3 && !authors.isEmpty()) {
        PeerId x = authors.get(random.nextInt(authors.size()));
        if (held.stranger(x)) {
          metBytes += Equivocations.bytes(held.proof(x));
          held.met(x);
        }
        continue;
      }
      boolean again = op == 2 && !authors.isEmpty();
      PeerId x = again ? authors.get(random.nextInt(authors.size())) : PeerId.random(random);
      long seq = again ? Math.max(1, held.frozenAt(x) - 1 - random.nextInt(2)) : 100;
      // a text of up to a frame's worth, often small
      int text = random.nextInt(4) == 0 ? random.nextInt(1 << 20) : random.nextInt(4_096);
      Equivocation e = proof(x, seq, text);
      boolean stranger =
          held.stranger(x) || (!held.proven().containsKey(x) && random.nextBoolean());
      if (held.lowers(e) && !held.overBudget(e, stranger)) {
        held.learn(e, stranger);
        authors.add(x);
      }
      long strangerBytes = 0;
      long roomBytes = 0;
      int strangers = 0;
      for (Map.Entry<PeerId, Long> p : held.proven().entrySet()) {
        long b = Equivocations.bytes(held.proof(p.getKey()));
        if (held.stranger(p.getKey())) {
          strangerBytes += b;
          strangers++;
        } else {
          roomBytes += b;
        }
      }
      assertThat(strangers).isLessThanOrEqualTo(Equivocations.MAX_STRANGERS);
      assertThat(held.proven().size() - strangers)
          .isLessThanOrEqualTo(Equivocations.MAX_PROVEN + Equivocations.MAX_STRANGERS);
      assertThat(strangerBytes).isLessThanOrEqualTo(Equivocations.MAX_STRANGER_PROOF_BYTES);
      assertThat(roomBytes).isLessThanOrEqualTo(Equivocations.MAX_PROOF_BYTES + metBytes);
    }
  }

  private Equivocation proof(PeerId origin, long seq, int text) {
    ChatMessage a = message(origin, seq, "a".repeat(text / 2));
    ChatMessage b = message(origin, seq, "b".repeat(text - text / 2) + "\u0000");
    ChainHead ha = signer.signHead(origin, seq, signer.hash(a));
    ChainHead hb = signer.signHead(origin, seq, signer.hash(b));
    return new Equivocation(ha, List.of(a), hb, List.of(b));
  }

  private static ChatMessage message(PeerId origin, long seq, String text) {
    return new ChatMessage(new MessageId(origin, seq), seq, seq, "n", text, List.of())
        .chained(new byte[ChatMessage.HASH_BYTES]);
  }
}

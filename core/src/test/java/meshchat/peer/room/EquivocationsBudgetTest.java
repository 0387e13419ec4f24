package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * What proofs a peer keeps: the room's authors' proofs and strangers' proofs each have a count and
 * bytes of their own (counted by the bound of their size in a frame), and which link has which
 * proof is kept so that a proof goes to a link at most once. rev29: the bytes were shared and
 * counted three per character, so strangers' proofs could leave no room for a member's.
 */
class EquivocationsBudgetTest {
  private final SplittableRandom random = new SplittableRandom(29);
  private final TestChainSigner signer = new TestChainSigner();

  /** A proof against {@code origin} at {@code seq} whose {@link Equivocations#bytes} is given. */
  private Equivocation proof(PeerId origin, long seq, long bytes) {
    Equivocation empty = proof(origin, seq, "", "");
    long text = bytes - Equivocations.bytes(empty);
    assertThat(text).as("a proof of %s bytes can be made", bytes).isNotNegative();
    Equivocation e =
        proof(origin, seq, "a".repeat((int) (text / 2)), "b".repeat((int) (text - text / 2)));
    assertThat(Equivocations.bytes(e)).isEqualTo(bytes);
    return e;
  }

  private Equivocation proof(PeerId origin, long seq, String a, String b) {
    ChatMessage ma = message(origin, seq, a);
    ChatMessage mb = message(origin, seq, b + "\u0000"); // two versions even of one text
    ChainHead ha = signer.signHead(origin, seq, signer.hash(ma));
    ChainHead hb = signer.signHead(origin, seq, signer.hash(mb));
    return new Equivocation(ha, List.of(ma), hb, List.of(mb));
  }

  private static ChatMessage message(PeerId origin, long seq, String text) {
    return new ChatMessage(new MessageId(origin, seq), seq, seq, "n", text, List.of())
        .chained(new byte[ChatMessage.HASH_BYTES]);
  }

  private PeerId someone() {
    return PeerId.random(random);
  }

  @Test
  void aProofCountsItsSizeInAFrameNotThreeBytesACharacter() {
    Equivocation ascii = proof(someone(), 1, "a".repeat(100_000), "b".repeat(100_000));
    long text = 200_001;
    assertThat(Equivocations.bytes(ascii)).isBetween(text, text + 1_024);
    Equivocation cjk = proof(someone(), 1, "日".repeat(100_000), "月".repeat(100_000));
    assertThat(Equivocations.bytes(cjk)).isBetween(3 * text - 2, 3 * text + 1_024);
  }

  @Test
  void strangersProofsHoldAtMostTheirOwnBytesAndTheRoomsAuthorsKeepAllOfTheirs() {
    Equivocations held = new Equivocations(null, signer);
    long strangers = Equivocations.MAX_STRANGER_PROOF_BYTES;
    // strangers' proofs up to their bytes exactly: kept; one byte more: refused
    Equivocation first = proof(someone(), 1, strangers / 2);
    Equivocation second = proof(someone(), 1, strangers - strangers / 2);
    assertThat(held.overBudget(first, true)).isFalse();
    held.learn(first, true);
    Equivocation tooBig = proof(someone(), 1, strangers - strangers / 2 + 1);
    assertThat(held.overBudget(tooBig, true)).isTrue();
    assertThat(held.overBudget(second, true)).isFalse();
    held.learn(second, true);
    assertThat(held.overBudget(proof(someone(), 1, 1_000), true)).isTrue();

    // the room's authors' proofs still get all of theirs, to the byte
    long room = Equivocations.MAX_PROOF_BYTES;
    long each = 1_000_000;
    long used = 0;
    while (room - used >= each) {
      Equivocation e = proof(someone(), 1, each);
      assertThat(held.overBudget(e, false)).isFalse();
      held.learn(e, false);
      used += each;
    }
    Equivocation last = proof(someone(), 1, room - used);
    assertThat(held.overBudget(proof(someone(), 1, room - used + 1), false)).isTrue();
    assertThat(held.overBudget(last, false)).isFalse();
    held.learn(last, false);
    assertThat(held.overBudget(proof(someone(), 1, 1_000), false)).isTrue();
    assertThat(held.overBudget(proof(someone(), 1, 1_000), true)).isTrue();
  }

  @Test
  void aLowerProofReplacesTheBytesOfTheOneItLowersInItsOwnBudget() {
    Equivocations held = new Equivocations(null, signer);
    long strangers = Equivocations.MAX_STRANGER_PROOF_BYTES;
    PeerId x = someone();
    held.learn(proof(x, 5, strangers), true);
    // the whole budget is x's: a lower proof of the same size replaces it
    Equivocation lower = proof(x, 4, strangers);
    assertThat(held.lowers(lower)).isTrue();
    assertThat(held.overBudget(lower, true)).isFalse();
    held.learn(lower, true);
    assertThat(held.frozenAt(x)).isEqualTo(4);
    assertThat(held.overBudget(proof(someone(), 1, 1_000), true)).isTrue();

    // x's messages are here: its proof counts among the room's authors', freeing the strangers'
    held.met(x);
    assertThat(held.stranger(x)).isFalse();
    assertThat(held.overBudget(proof(someone(), 1, strangers), true)).isFalse();
    // and a lower proof of x, even met as a stranger again, counts as the room author's it is
    Equivocation lowest = proof(x, 3, 1_000);
    assertThat(held.overBudget(lowest, true)).isFalse();
    held.learn(lowest, true);
    assertThat(held.stranger(x)).isFalse();
    assertThat(held.overBudget(proof(someone(), 1, strangers), true)).isFalse();
  }

  @Test
  void strangersCountStaysItsOwn() {
    Equivocations held = new Equivocations(null, signer);
    for (int i = 0; i < Equivocations.MAX_STRANGERS; i++) {
      Equivocation e = proof(someone(), 1, 1_000);
      assertThat(held.overBudget(e, true)).isFalse();
      held.learn(e, true);
    }
    assertThat(held.overBudget(proof(someone(), 1, 1_000), true)).isTrue();
    assertThat(held.overBudget(proof(someone(), 1, 1_000), false)).isFalse();
  }

  @Test
  void aLinkIsSentAProofOnceAndALowerOneAgain() {
    Equivocations held = new Equivocations(null, signer);
    PeerId link = someone();
    PeerId x = someone();
    Equivocation at5 = proof(x, 5, 1_000);
    held.has(link, x, 5); // no proof of x held: nothing kept
    assertThat(held.hasAny(link, x)).isFalse();
    held.learn(at5, false);
    assertThat(held.lacks(link, at5)).isTrue();
    held.has(link, x, 5);
    assertThat(held.hasAny(link, x)).isTrue();
    assertThat(held.lacks(link, at5)).isFalse();
    Equivocation at4 = proof(x, 4, 1_000);
    held.learn(at4, false);
    assertThat(held.lacks(link, at4)).isTrue();
    held.has(link, x, 4);
    held.has(link, x, 6); // it sent us a higher one later: it still has the lower
    assertThat(held.lacks(link, at4)).isFalse();
    held.linkDown(link); // a new link with this peer is told again
    assertThat(held.lacks(link, at4)).isTrue();
    assertThat(held.hasAny(link, x)).isFalse();
  }
}

package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A message of an author proven to equivocate is marked where people read it. */
class DisputedLineTest {
  @Test
  void aDisputedMessageIsMarked() {
    assertThat(ChatView.marks(false, null, false, true))
        .isEqualTo("   ⚠ disputed: its author signed two different histories");
  }

  @Test
  void anUndisputedMessageIsNot() {
    assertThat(ChatView.marks(false, null, false, false)).isEmpty();
  }
}

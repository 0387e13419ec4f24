package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import meshchat.peer.identity.Identity;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.MessageId;
import org.junit.jupiter.api.Test;

/** Forged and tampered messages never get past the frame layer, live or in history. */
class MessageVerifierTest {
  private final Identity alice = Identity.generate();
  private final Identity mallory = Identity.generate();
  private final Counters counters = new Counters();
  private final EmbeddedChannel ch = new EmbeddedChannel(new MessageVerifier("lobby", counters));

  private static ChatMessage unsigned(Identity author, long seq, String text) {
    return new ChatMessage(new MessageId(author.peerId(), seq), seq, 1_000L, "n", text, List.of());
  }

  private static ChatMessage signed(Identity author, long seq, String text) {
    return MessageSigning.signer(author, "lobby").sign(unsigned(author, seq, text));
  }

  private static ChatMessage withText(ChatMessage m, String text) {
    return new ChatMessage(
        m.id(),
        m.lamport(),
        m.wallTimeMs(),
        m.nick(),
        text,
        m.deps(),
        m.publicKey(),
        m.signature());
  }

  private void refused(LinkMessage m, String why) {
    assertThatThrownBy(() -> ch.writeInbound(m))
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            e -> assertThat(e.reason()).isEqualTo(CloseReason.INVALID_MESSAGE))
        .hasMessageContaining(why);
    assertThat(ch.<Object>readInbound()).isNull();
  }

  @Test
  void aSignedMessagePasses() {
    ChatMessage m = signed(alice, 1, "hi");
    ch.writeInbound(new LinkMessage.Chat(m));
    assertThat(ch.<Object>readInbound()).isEqualTo(new LinkMessage.Chat(m));
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isZero();
  }

  @Test
  void aForgedMessageInAlicesNameSignedWithMallorysKeyIsRefused() {
    ChatMessage forged =
        MessageSigning.signer(mallory, "lobby")
            .sign(unsigned(alice, 1, "send mallory money")); // origin alice, mallory's key
    refused(new LinkMessage.Chat(forged), "not its origin's");
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aForgedMessageWithAlicesKeyButABadSignatureIsRefused() {
    ChatMessage real = signed(alice, 1, "hi");
    ChatMessage forged = unsigned(alice, 1, "bye").signed(alice.publicKey(), real.signature());
    refused(new LinkMessage.Chat(forged), "bad signature");
  }

  @Test
  void aRelayedMessageWhoseTextWasAlteredIsRefused() {
    ChatMessage tampered = withText(signed(alice, 1, "meet at 5"), "meet at 6");
    refused(new LinkMessage.Chat(tampered), "bad signature");
  }

  @Test
  void aTamperedMessageInAHistoryBatchIsRefusedWithTheWholeBatch() {
    ChatMessage good = signed(alice, 1, "one");
    ChatMessage bad = withText(signed(alice, 2, "two"), "TWO");
    refused(new LinkMessage.SyncBatch(4, List.of(good, bad), true), "bad signature");
    assertThat(counters.get(Counters.Counter.BAD_SIGNATURE)).isEqualTo(1);
  }

  @Test
  void aMessageSignedForAnotherRoomIsRefused() {
    ChatMessage other = MessageSigning.signer(alice, "elsewhere").sign(unsigned(alice, 1, "hi"));
    refused(new LinkMessage.Chat(other), "bad signature");
  }

  @Test
  void anUnsignedMessageIsRefusedInboundAndLeftOutOfBatchesOutbound() {
    refused(new LinkMessage.Chat(unsigned(alice, 1, "old")), "not signed");

    ChatMessage legacy = unsigned(alice, 1, "from before keys");
    ChatMessage good = signed(alice, 2, "new");
    ch.writeOutbound(new LinkMessage.SyncBatch(1, List.of(legacy, good), true));
    assertThat(ch.<Object>readOutbound())
        .isEqualTo(new LinkMessage.SyncBatch(1, List.of(good), true));
  }
}

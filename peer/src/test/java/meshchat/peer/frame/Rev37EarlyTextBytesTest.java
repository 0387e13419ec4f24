package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Chat;
import meshchat.peer.room.AuthorQuota;
import org.junit.jupiter.api.Test;

/**
 * rev37 FINDING-3. security.md: "At most 256 lines and 64 KiB of text per link ... are shown before
 * a head" (ChainVerifierEarlyTest.aHostileAuthorHasAtMostTheCapOfTextOutstanding, which uses ASCII
 * only). ChainCheck counts a line's text by {@code text().length()} (UTF-16 units), so lines of
 * three-byte characters pass three times the bytes (rev36 listed it as a lead, untested).
 */
class Rev37EarlyTextBytesTest {
  private final Identity aliceId = Identity.generate();
  private final ChainAuthor alice = new ChainAuthor(aliceId, "lobby");
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Executor pool = queued::add;
  private final EmbeddedChannel ch =
      new EmbeddedChannel(new ChainVerifier("lobby", new Counters(), pool));

  @Test
  void textShownBeforeAHeadIsBoundInUtf8BytesNotChars() {
    ch.writeInbound(new LinkMessage.Hello(1, aliceId.peerId(), "alice", "lobby", 0, 0));
    assertThat(Inbound.drain(ch)).hasSize(1);
    String big = "€".repeat(4_096); // 12,288 bytes of UTF-8
    long shownBytes = 0;
    for (int i = 0; i < 32; i++) {
      ch.writeInbound(new Chat(alice.next(big)));
      shownBytes += (long) Inbound.drain(ch).size() * big.getBytes(StandardCharsets.UTF_8).length;
    }
    assertThat(shownBytes)
        .as("UTF-8 bytes of text shown before a head on one link")
        .isLessThanOrEqualTo(ChainCheck.MAX_EARLY_BYTES);
  }

  @Test
  void theBytesCountedAreTheTextsUtf8Bytes() {
    for (String t : new String[] {"", "a", "é", "€", "😀", "a€é😀 x", "€".repeat(4096)}) {
      assertThat(AuthorQuota.utf8Length(t))
          .as(t)
          .isEqualTo(t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }
}

package meshchat.peer.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.identity.ChainAuthor;
import meshchat.peer.identity.Identity;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.proto.v1.LinkFrame;
import org.junit.jupiter.api.Test;

/**
 * An equivocation proof is taken only when anyone could check it alone: both heads signed for this
 * room by the origin, each run hashing down to its head, two different histories where the runs
 * start. Anything else closes the link, counted by its reason; a valid proof survives the wire.
 */
class EquivocationProofTest {
  private final Identity malloryId = Identity.generate();
  private final Counters counters = new Counters();
  private final EmbeddedChannel ch = new EmbeddedChannel(new ChainVerifier("lobby", counters));

  /** Two versions of mallory's chain that share {@code common} messages and then differ. */
  private Equivocation proof(String room, int common, int aLen, int bLen) {
    ChainAuthor a = new ChainAuthor(malloryId, room);
    ChainAuthor b = new ChainAuthor(malloryId, room);
    for (int i = 0; i < common; i++) {
      a.next("common " + i);
      b.next("common " + i);
    }
    for (int i = 0; i < aLen; i++) {
      a.next("yes " + i);
    }
    for (int i = 0; i < bLen; i++) {
      b.next("no " + i);
    }
    return new Equivocation(
        a.head(), a.written().subList(common, common + aLen),
        b.head(), b.written().subList(common, common + bLen));
  }

  private void refused(Equivocation e, Counter counter, String why) {
    assertThatThrownBy(() -> ch.writeInbound(new LinkMessage.Equivocated(e)))
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            x -> {
              assertThat(x.reason()).isEqualTo(CloseReason.INVALID_MESSAGE);
              assertThat(x.counter()).isEqualTo(counter);
            })
        .hasMessageContaining(why);
    Object passed = ch.readInbound();
    assertThat(passed).isNull();
  }

  @Test
  void aValidProofPassesWithBothKeys() {
    Equivocation e = proof("lobby", 2, 2, 3);
    assertThat(e.seq()).isEqualTo(3);
    ch.writeInbound(new LinkMessage.Equivocated(e));
    LinkMessage.Equivocated out = ch.readInbound();
    assertThat(out.proof().seq()).isEqualTo(3);
    assertThat(out.proof().a().publicKey()).isEqualTo(malloryId.publicKey());
    assertThat(counters.snapshot().values()).allMatch(n -> n == 0);
  }

  @Test
  void twoHeadsOfOneSeqWithTwoHashesAreAProofAlone() {
    Equivocation runs = proof("lobby", 0, 1, 1);
    Equivocation heads = new Equivocation(runs.a(), List.of(), runs.b(), List.of());
    ch.writeInbound(new LinkMessage.Equivocated(heads));
    assertThat(((LinkMessage.Equivocated) ch.readInbound()).proof().seq()).isEqualTo(1);
  }

  @Test
  void twoIdenticalVersionsProveNothing() {
    ChainAuthor a = new ChainAuthor(malloryId, "lobby");
    a.next("same");
    a.next("same again");
    Equivocation same = new Equivocation(a.head(), a.written(), a.head(), a.written());
    refused(same, Counter.PROOF_AGREES, "agree");
  }

  @Test
  void twoRunsThatDifferOnlyAboveWhereTheyStartProveNothingThere() {
    Equivocation deeper = proof("lobby", 1, 1, 1); // they differ at 2
    ChainAuthor common = new ChainAuthor(malloryId, "lobby");
    ChatMessage first = common.next("common 0");
    List<ChatMessage> aRun = new ArrayList<>(List.of(first));
    aRun.addAll(deeper.aRun());
    List<ChatMessage> bRun = new ArrayList<>(List.of(first));
    bRun.addAll(deeper.bRun());
    // claims seq 1, where both hold "common 0": a proof must show a difference where it says
    refused(new Equivocation(deeper.a(), aRun, deeper.b(), bRun), Counter.PROOF_AGREES, "agree");
  }

  @Test
  void aRunWhoseTextWasAlteredIsForged() {
    Equivocation e = proof("lobby", 0, 2, 2);
    ChatMessage m = e.aRun().get(0);
    ChatMessage altered =
        new ChatMessage(
            m.id(), m.lamport(), m.wallTimeMs(), m.nick(), "altered", m.deps(), m.prev());
    List<ChatMessage> run = new ArrayList<>(e.aRun());
    run.set(0, altered);
    refused(new Equivocation(e.a(), run, e.b(), e.bRun()), Counter.PROOF_FORGED, "does not match");
    assertThat(counters.get(Counter.BAD_SIGNATURE)).isZero();
  }

  @Test
  void aHeadWithABadSignatureIsForged() {
    Equivocation e = proof("lobby", 0, 1, 1);
    byte[] sig = e.b().signature();
    sig[0] ^= 1;
    ChainHead bad =
        new ChainHead(e.b().origin(), e.b().seq(), e.b().hash(), sig, e.b().publicKey());
    refused(new Equivocation(e.a(), e.aRun(), bad, e.bRun()), Counter.PROOF_FORGED, "signature");
  }

  @Test
  void aHeadSignedWithAnotherKeyIsForged() {
    Equivocation e = proof("lobby", 0, 1, 1);
    Identity other = Identity.generate();
    ChainHead foreign =
        new ChainHead(
            e.b().origin(), e.b().seq(), e.b().hash(), e.b().signature(), other.publicKey());
    refused(new Equivocation(e.a(), e.aRun(), foreign, e.bRun()), Counter.PROOF_FORGED, "key");
  }

  @Test
  void aProofAboutAnotherRoomIsForgedHere() {
    refused(proof("elsewhere", 1, 1, 1), Counter.PROOF_FORGED, "bad signature");
  }

  // ---- the shape, refused by the codec before any signature is checked ----

  private static void malformed(LinkFrame f, String why) {
    assertThatThrownBy(() -> LinkCodec.fromFrame(f))
        .isInstanceOfSatisfying(
            LinkFrameException.class,
            x -> {
              assertThat(x.reason()).isEqualTo(CloseReason.INVALID_MESSAGE);
              assertThat(x.counter()).isEqualTo(Counter.PROOF_MALFORMED);
            })
        .hasMessageContaining(why);
  }

  private LinkFrame.Builder wire(Equivocation e) {
    return LinkCodec.toFrame(new LinkMessage.Equivocated(e)).toBuilder();
  }

  @Test
  void aValidProofSurvivesTheWire() {
    Equivocation e = proof("lobby", 1, 2, 1);
    assertThat(LinkCodec.fromFrame(wire(e).build())).isEqualTo(new LinkMessage.Equivocated(e));
  }

  @Test
  void aProofWithoutBothHeadsIsMalformed() {
    LinkFrame.Builder f = wire(proof("lobby", 0, 1, 1));
    f.getEquivocationBuilder().clearB();
    malformed(f.build(), "both heads");
  }

  @Test
  void twoHeadsAloneThatNameOneHashAreMalformed() {
    Equivocation e = proof("lobby", 0, 1, 1);
    LinkFrame.Builder f = wire(new Equivocation(e.a(), List.of(), e.b(), List.of()));
    f.getEquivocationBuilder().setB(f.getEquivocation().getA());
    malformed(f.build(), "two hashes");
  }

  @Test
  void aRunOverTheLimitIsMalformedWhateverItHolds() {
    LinkFrame.Builder f = wire(proof("lobby", 0, 1, 1));
    meshchat.proto.v1.ChatMessage one = f.getEquivocation().getARun(0);
    for (int i = 0; i < Equivocation.MAX_RUN; i++) {
      f.getEquivocationBuilder().addARun(one);
    }
    malformed(f.build(), "over the limit");
  }

  @Test
  void aRunThatSkipsASeqOrNamesAnotherOriginIsMalformed() {
    Equivocation e = proof("lobby", 0, 3, 3);
    LinkFrame.Builder gap = wire(e);
    gap.getEquivocationBuilder().removeARun(1);
    malformed(gap.build(), "chained messages up to the head");

    ChainAuthor alice = new ChainAuthor(Identity.generate(), "lobby");
    alice.next("1");
    alice.next("2");
    LinkFrame.Builder twoOrigins = wire(e);
    twoOrigins
        .getEquivocationBuilder()
        .setB(LinkCodec.toFrame(new LinkMessage.Head(alice.head())).getHead());
    malformed(twoOrigins.build(), "one origin");
  }

  @Test
  void runsThatStartAtTwoSeqsAreMalformed() {
    Equivocation e = proof("lobby", 0, 3, 3);
    LinkFrame.Builder f = wire(e);
    f.getEquivocationBuilder().removeARun(0);
    malformed(f.build(), "start at one seq");
  }

  @Test
  void aChatInsideAProofIsCheckedLikeAnyChat() {
    LinkFrame.Builder f = wire(proof("lobby", 0, 1, 1));
    f.getEquivocationBuilder()
        .setARun(
            0,
            f.getEquivocation().getARun(0).toBuilder().setPrev(ByteString.copyFrom(new byte[31])));
    malformed(f.build(), "prev");
  }
}

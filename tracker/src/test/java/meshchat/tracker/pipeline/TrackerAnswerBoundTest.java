package meshchat.tracker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Error.Code;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.Directory;
import meshchat.tracker.directory.Member;
import meshchat.tracker.directory.RoomEvent;
import meshchat.tracker.directory.SessionId;
import meshchat.wire.Framing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * (rev32 FINDING-4) Every frame the tracker builds fits the bound on what it sends ({@link
 * Framing#TRACKER_MAX_ANSWER_BYTES}, 64 KiB), so none is ever dropped at the encoder: the largest
 * answer the tracker can build from fields it accepts is whole under it, and an answer of members
 * of any size still fits, leaving out the longest entries first.
 */
class TrackerAnswerBoundTest {
  private static final int BOUND = Framing.TRACKER_MAX_ANSWER_BYTES;

  /** 64 bytes of UTF-8, the longest room name a Register may carry. */
  private static final String LONGEST_ROOM = "é".repeat(32);

  /**
   * The longest entry the tracker can list: a 64-byte peer id, 32 four-byte characters of nick, a
   * 255-character host and advertised host, the longest source address Java names (an IPv6 address
   * in full with a 15-character interface name as its scope), 32-byte key, 64-byte signature,
   * 32-byte nonce, and the port and timestamp whose varints are longest.
   */
  static Member longest(int i) {
    byte[] id = new byte[64];
    id[0] = (byte) i;
    id[1] = (byte) (i >> 8);
    java.util.Arrays.fill(id, 2, 64, (byte) 0xff);
    String host = "h".repeat(251) + ".net";
    String observed = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%" + "e".repeat(15);
    return new Member(
        PeerId.of(id),
        "\uD83D\uDE00".repeat(32), // U+1F600, 4 bytes of UTF-8 each
        host,
        65535,
        new Member.Statement(
            new byte[32], new byte[64], Long.MIN_VALUE, new byte[32], observed, host));
  }

  private static List<Member> longestMembers(int n) {
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(longest(i + 1));
    }
    return out;
  }

  @Example
  void theLargestAnswerTheTrackerCanBuildFitsTheBoundWhole() {
    List<Member> others = longestMembers(Directory.MAX_NAMED);
    TrackerFrame registered =
        Frames.registered(-1L, LONGEST_ROOM, longest(0), others, 0xffff_ffffL, 0xffff_ffffL);
    TrackerFrame lookup = Frames.lookupResult(-1L, LONGEST_ROOM, others);
    System.out.printf(
        "largest Registered: %d bytes, largest LookupResult: %d bytes (bound %d)%n",
        registered.getSerializedSize(), lookup.getSerializedSize(), BOUND);
    assertThat(registered.getRegistered().getMembersCount()).isEqualTo(Directory.MAX_NAMED);
    assertThat(lookup.getLookupResult().getMembersCount()).isEqualTo(Directory.MAX_NAMED);
    assertThat(registered.getSerializedSize()).isLessThanOrEqualTo(BOUND);
    assertThat(lookup.getSerializedSize()).isLessThanOrEqualTo(BOUND);
    // with room to spare: twice as many such members would still fit
    assertThat(Frames.lookupResult(-1L, LONGEST_ROOM, longestMembers(64)).getSerializedSize())
        .isLessThanOrEqualTo(BOUND);
  }

  @Example
  void theLargestPushesAndErrorsFitTheBound() {
    SessionId s = new SessionId(1);
    TrackerFrame joined = Frames.push(new RoomEvent.Joined(LONGEST_ROOM, longest(1), s));
    TrackerFrame left =
        Frames.push(new RoomEvent.Left(LONGEST_ROOM, longest(1), s, RoomEvent.LeaveReason.EVICTED));
    TrackerFrame error = Frames.error(-1L, Code.ADDRESS_LIMIT, "ü".repeat(100_000), true);
    System.out.printf(
        "largest MemberJoined: %d bytes, MemberLeft: %d, Error: %d%n",
        joined.getSerializedSize(), left.getSerializedSize(), error.getSerializedSize());
    assertThat(joined.getSerializedSize()).isLessThanOrEqualTo(BOUND);
    assertThat(left.getSerializedSize()).isLessThanOrEqualTo(BOUND);
    assertThat(error.getError().getMessageBytes().size()).isEqualTo(Frames.MAX_ERROR_MESSAGE_BYTES);
    assertThat(error.getSerializedSize()).isLessThanOrEqualTo(BOUND);
  }

  @Property(tries = 200)
  void anAnswerOfMembersOfAnySizeFitsTheBoundLeavingOutOnlyTheLongest(
      @ForAll("memberLists") List<Member> members) {
    TrackerFrame lookup = Frames.lookupResult(Long.MAX_VALUE, LONGEST_ROOM, members);
    TrackerFrame registered =
        Frames.registered(1, LONGEST_ROOM, longest(0), members, 5_000, 15_000);
    assertThat(lookup.getSerializedSize()).isLessThanOrEqualTo(BOUND);
    assertThat(registered.getSerializedSize()).isLessThanOrEqualTo(BOUND);

    List<meshchat.proto.v1.Member> kept = lookup.getLookupResult().getMembersList();
    List<meshchat.proto.v1.Member> all = new ArrayList<>();
    members.forEach(m -> all.add(Frames.toProto(m)));
    long whole = 0;
    for (meshchat.proto.v1.Member m : all) {
      whole += com.google.protobuf.CodedOutputStream.computeMessageSize(3, m);
    }
    boolean over = whole + 200 > BOUND;
    Statistics.label("members over the bound").collect(over);
    Statistics.label("members over the bound")
        .coverage(c -> c.check(true).percentage(p -> p >= 20));
    if (!over) {
      assertThat(kept).isEqualTo(all); // nothing left out of an answer that fits
    }
    // the kept are the given ones in order, and none left out is shorter than one kept
    Map<meshchat.proto.v1.Member, Boolean> keptSet = new IdentityHashMap<>();
    int at = 0;
    for (meshchat.proto.v1.Member k : kept) {
      while (at < all.size() && !all.get(at).equals(k)) {
        at++;
      }
      assertThat(at).as("kept members keep their order").isLessThan(all.size());
      keptSet.put(all.get(at), true);
      at++;
    }
    int longestKept =
        kept.stream().mapToInt(meshchat.proto.v1.Member::getSerializedSize).max().orElse(0);
    for (meshchat.proto.v1.Member m : all) {
      if (!keptSet.containsKey(m)) {
        assertThat(m.getSerializedSize()).isGreaterThanOrEqualTo(longestKept);
      }
    }
  }

  @Property(tries = 200)
  void anErrorMessageOfAnyLengthIsCutToItsBoundAtACharacter(
      @ForAll @Size(max = 3000) String message) {
    TrackerFrame error = Frames.error(1, Code.INVALID_ARGUMENT, message, false);
    String sent = error.getError().getMessage();
    assertThat(sent.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Frames.MAX_ERROR_MESSAGE_BYTES);
    assertThat(message).startsWith(sent);
    if (message.getBytes(StandardCharsets.UTF_8).length <= Frames.MAX_ERROR_MESSAGE_BYTES) {
      assertThat(sent).isEqualTo(message);
    }
  }

  /**
   * Lists of 0 to 80 members whose fields are of any length, far past what the tracker accepts (up
   * to ~7 KB an entry): lengths drawn uniformly, so that about half of the lists are over the
   * bound.
   */
  @Provide
  Arbitrary<List<Member>> memberLists() {
    return members().list().ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
  }

  private static Arbitrary<Member> members() {
    Arbitrary<byte[]> id = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64);
    Arbitrary<String> nick = Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
    Arbitrary<String> host = length(2_000).map("h"::repeat);
    Arbitrary<byte[]> blob = length(1_000).map(byte[]::new);
    Arbitrary<Member.Statement> statement =
        Combinators.combine(blob, blob, Arbitraries.longs(), host, host)
            .as((k, sig, ts, obs, adv) -> new Member.Statement(k, sig, ts, new byte[32], obs, adv))
            .injectNull(0.2);
    return Combinators.combine(id, nick, host, Arbitraries.integers().between(1, 65535), statement)
        .as((i, n, h, p, s) -> new Member(PeerId.of(i), n, h, p, s));
  }

  private static Arbitrary<Integer> length(int max) {
    return Arbitraries.integers().between(0, max).withDistribution(RandomDistribution.uniform());
  }
}

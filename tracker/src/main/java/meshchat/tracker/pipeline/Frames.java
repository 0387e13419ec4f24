package meshchat.tracker.pipeline;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.Hosts;
import meshchat.peer.message.PeerId;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.LookupResult;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.MemberLeft;
import meshchat.proto.v1.Registered;
import meshchat.proto.v1.TrackerFrame;
import meshchat.tracker.directory.Member;
import meshchat.tracker.directory.RoomEvent;
import meshchat.wire.Framing;

/**
 * The one boundary between generated Protobuf classes and the directory's records.
 *
 * <p>Every frame built here fits {@link Framing#TRACKER_MAX_ANSWER_BYTES} (rev32 FINDING-4: the
 * directory bounds an answer by a count of members, and a count is not a size): an answer names the
 * members it is given while they fit, and past the bound leaves out the longest entries first, so
 * padding one's own entries only gets oneself left out; an error's message is clipped to {@link
 * #MAX_ERROR_MESSAGE_BYTES}. With the fields the tracker accepts (docs/protocol.md) 32 members of
 * the longest kind fit with room to spare, so nothing is left out of an honest answer.
 */
public final class Frames {
  /** The most UTF-8 bytes of an Error's message; a longer one is cut at a character boundary. */
  public static final int MAX_ERROR_MESSAGE_BYTES = 1024;

  // an answer's frame around its body: the TrackerFrame field's tag (2 bytes for fields 16..18)
  // and the body's length (3 bytes up to 2^21 - 1)
  private static final int ENVELOPE_BYTES = 2 + 3;

  private Frames() {}

  public static meshchat.proto.v1.Member toProto(Member m) {
    meshchat.proto.v1.Member.Builder b =
        meshchat.proto.v1.Member.newBuilder()
            .setPeerId(ByteString.copyFrom(m.peerId().toBytes()))
            .setNick(m.nick())
            .setHost(m.host())
            .setPort(m.port());
    Member.Statement s = m.statement();
    if (s != null) {
      b.setPublicKey(ByteString.copyFrom(s.publicKey()))
          .setSignature(ByteString.copyFrom(s.signature()))
          .setTimestampMs(s.timestampMs())
          .setSessionNonce(ByteString.copyFrom(s.sessionNonce()))
          .setObservedHost(s.observedHost())
          .setAdvertisedHost(s.advertisedHost());
    }
    return b.build();
  }

  public static Member fromProto(meshchat.proto.v1.Member m) {
    Member.Statement s =
        m.getPublicKey().isEmpty()
            ? null
            : new Member.Statement(
                m.getPublicKey().toByteArray(),
                m.getSignature().toByteArray(),
                m.getTimestampMs(),
                m.getSessionNonce().toByteArray(),
                m.getObservedHost(),
                m.getAdvertisedHost());
    return new Member(
        PeerId.of(m.getPeerId().toByteArray()), m.getNick(), m.getHost(), m.getPort(), s);
  }

  public static TrackerFrame registered(
      long requestId, String room, Member you, List<Member> others, long heartbeatMs, long ttlMs) {
    Registered.Builder b =
        Registered.newBuilder()
            .setRequestId(requestId)
            .setRoom(room)
            .setYou(toProto(you))
            .setHeartbeatIntervalMs((int) heartbeatMs)
            .setTtlMs((int) ttlMs);
    b.addAllMembers(fitting(others, budget(b.build().getSerializedSize())));
    return TrackerFrame.newBuilder().setRegistered(b).build();
  }

  public static TrackerFrame lookupResult(long requestId, String room, List<Member> members) {
    LookupResult.Builder b = LookupResult.newBuilder().setRequestId(requestId).setRoom(room);
    b.addAllMembers(fitting(members, budget(b.build().getSerializedSize())));
    return TrackerFrame.newBuilder().setLookupResult(b).build();
  }

  /** The bytes left for members in an answer whose other fields take {@code bodyBytes}. */
  private static int budget(int bodyBytes) {
    return Framing.TRACKER_MAX_ANSWER_BYTES - ENVELOPE_BYTES - bodyBytes;
  }

  /**
   * {@code members} as entries of an answer's {@code members} field [3], in their order, all of
   * them if they fit in {@code budget} bytes (tag and length included); else without the longest
   * (the later of equals first) until the rest fit.
   */
  static List<meshchat.proto.v1.Member> fitting(List<Member> members, int budget) {
    List<meshchat.proto.v1.Member> out = new ArrayList<>(members.size());
    int[] sizes = new int[members.size()];
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      meshchat.proto.v1.Member m = toProto(members.get(i));
      out.add(m);
      sizes[i] = CodedOutputStream.computeMessageSize(3, m);
      total += sizes[i];
    }
    if (total <= budget) {
      return out;
    }
    Integer[] longestFirst = new Integer[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      longestFirst[i] = i;
    }
    Arrays.sort(
        longestFirst, (a, b) -> sizes[a] != sizes[b] ? sizes[b] - sizes[a] : Integer.compare(b, a));
    boolean[] left = new boolean[sizes.length];
    for (int i = 0; i < longestFirst.length && total > budget; i++) {
      left[longestFirst[i]] = true;
      total -= sizes[longestFirst[i]];
    }
    List<meshchat.proto.v1.Member> kept = new ArrayList<>(out.size());
    for (int i = 0; i < sizes.length; i++) {
      if (!left[i]) {
        kept.add(out.get(i));
      }
    }
    return kept;
  }

  public static TrackerFrame push(RoomEvent event) {
    // Java 17 has no pattern switch; RoomEvent is sealed to these two
    if (event instanceof RoomEvent.Joined j) {
      return TrackerFrame.newBuilder()
          .setMemberJoined(
              MemberJoined.newBuilder().setRoom(j.room()).setMember(toProto(j.member())))
          .build();
    }
    RoomEvent.Left l = (RoomEvent.Left) event;
    return TrackerFrame.newBuilder()
        .setMemberLeft(
            MemberLeft.newBuilder()
                .setRoom(l.room())
                .setPeerId(ByteString.copyFrom(l.member().peerId().toBytes()))
                .setReason(reason(l.reason())))
        .build();
  }

  private static MemberLeft.Reason reason(RoomEvent.LeaveReason r) {
    return switch (r) {
      case LEFT -> MemberLeft.Reason.LEFT;
      case CLOSED -> MemberLeft.Reason.CLOSED;
      case EXPIRED -> MemberLeft.Reason.EXPIRED;
      case EVICTED -> MemberLeft.Reason.EVICTED;
    };
  }

  public static TrackerFrame error(long requestId, Error.Code code, String message, boolean fatal) {
    return TrackerFrame.newBuilder()
        .setError(
            Error.newBuilder()
                .setRequestId(requestId)
                .setCode(code)
                .setMessage(clip(message))
                .setFatal(fatal))
        .build();
  }

  /** {@code message} if it has at most {@link #MAX_ERROR_MESSAGE_BYTES} UTF-8 bytes, else cut. */
  static String clip(String message) {
    if (message.length() * 3L <= MAX_ERROR_MESSAGE_BYTES) {
      return message; // a UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them, 4)
    }
    int bytes = 0;
    int end = 0;
    while (end < message.length()) {
      int cp = message.codePointAt(end);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > MAX_ERROR_MESSAGE_BYTES) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return end == message.length() ? message : message.substring(0, end);
  }

  /** Field checks shared by every request; returns a reason, or null when the value is valid. */
  public static String checkRoom(String room) {
    int bytes = room.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < 1 || bytes > 64) {
      return "room must be 1..64 bytes of UTF-8, got " + bytes;
    }
    return room.chars().anyMatch(Character::isISOControl)
        ? "room must hold no control character"
        : null;
  }

  public static String checkRegistration(String nick, ByteString peerId, String host, int port) {
    int nickChars = nick.codePointCount(0, nick.length());
    if (nickChars < 1 || nickChars > 32) {
      return "nick must be 1..32 characters, got " + nickChars;
    }
    if (nick.chars().anyMatch(Character::isISOControl)) {
      return "nick must hold no control character"; // a peer's /nick refuses them too
    }
    if (peerId.size() < 1 || peerId.size() > 64) {
      return "peer id must be 1..64 bytes, got " + peerId.size();
    }
    if (port < 1 || port > 65535) {
      return "port must be 1..65535, got " + Integer.toUnsignedString(port);
    }
    if (host.length() > 255) {
      return "host must be at most 255 characters";
    }
    if (!host.isEmpty() && !Hosts.plausible(host)) {
      // it goes into every member's peer cache lines, /who and dials: no tab, newline or escape
      return "host must be a host name or IP address (ASCII letters, digits and . - _ : % [ ])";
    }
    return null;
  }
}

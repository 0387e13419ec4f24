package meshchat.tracker.pipeline;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
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

/** The one boundary between generated Protobuf classes and the directory's records. */
public final class Frames {
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
    for (Member m : others) {
      b.addMembers(toProto(m));
    }
    return TrackerFrame.newBuilder().setRegistered(b).build();
  }

  public static TrackerFrame lookupResult(long requestId, String room, List<Member> members) {
    LookupResult.Builder b = LookupResult.newBuilder().setRequestId(requestId).setRoom(room);
    for (Member m : members) {
      b.addMembers(toProto(m));
    }
    return TrackerFrame.newBuilder().setLookupResult(b).build();
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
                .setMessage(message)
                .setFatal(fatal))
        .build();
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

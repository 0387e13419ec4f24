package meshchat.peer.frame;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import meshchat.peer.identity.MessageSigning;
import meshchat.peer.identity.RoomKey;
import meshchat.peer.identity.SealedBody;
import meshchat.peer.limit.Counters;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.Equivocation;
import meshchat.peer.message.Hosts;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;
import meshchat.proto.v1.Close;
import meshchat.proto.v1.Digest;
import meshchat.proto.v1.DigestEntry;
import meshchat.proto.v1.Graft;
import meshchat.proto.v1.Hello;
import meshchat.proto.v1.HelloProof;
import meshchat.proto.v1.IHave;
import meshchat.proto.v1.LinkFrame;
import meshchat.proto.v1.PeerList;
import meshchat.proto.v1.Ping;
import meshchat.proto.v1.Pong;
import meshchat.proto.v1.Prune;
import meshchat.proto.v1.RoomPake;
import meshchat.proto.v1.SyncBatch;
import meshchat.proto.v1.SyncRequest;
import meshchat.wire.Ed25519;
import meshchat.wire.RecentlyEncoded;

/**
 * The boundary between the wire's {@code LinkFrame} and the domain's {@link LinkMessage}, in both
 * directions, as a pipeline handler (like Ratis's LogProtoUtils, but the only importer of generated
 * link classes). Decoding validates content: ids of 1..64 bytes, seq ≥ 1, lamport ≥ 1, ranges with
 * 1 ≤ first ≤ last, ports ≤ 65535. A bad field raises {@link LinkFrameException} with
 * INVALID_MESSAGE; an unset or unknown envelope raises it with PROTOCOL_ERROR.
 *
 * <p>It also bounds what one frame may carry beyond its byte size (docs/operations.md, "Limits"): a
 * frame of 1 MiB could otherwise hold 200,000 digest ranges, wants or peer addresses, each a Java
 * object and some of them a unit of work for the room. Over a bound is INVALID_MESSAGE; the bounds
 * are far above what an honest peer sends.
 */
public final class LinkCodec extends MessageToMessageCodec<LinkFrame, LinkMessage> {
  private static final RecentlyEncoded<LinkMessage, LinkFrame> RECENT =
      new RecentlyEncoded<>(LinkFrame::getSerializedSize);

  private static final RecentlyEncoded<LinkMessage, byte[]> RECENT_BYTES =
      new RecentlyEncoded<>(bytes -> bytes.length);

  /**
   * A live chat message's origin numbers on this thread, and its frame's bytes for links that have
   * bound them all and whose last live chat was {@code after}.
   */
  private record InContext(int[] numbers, ChatMessage after, byte[] bytes) {}

  // a live chat frame in a link's context: its numbers looked up once for all links
  private static final RecentlyEncoded<LinkMessage, InContext> RECENT_CONTEXT =
      new RecentlyEncoded<>(e -> e.bytes.length);

  /** Longest nick (Hello, chat) and longest room name, in UTF-8 bytes. */
  public static final int MAX_NICK_BYTES = WireBounds.MAX_NICK_BYTES;

  public static final int MAX_ROOM_BYTES = 256;

  /** Longest host name in a PeerList entry (DNS names are at most 253 characters). */
  public static final int MAX_HOST_BYTES = 255;

  /** Longest chat text in UTF-8 bytes. */
  public static final int MAX_TEXT_BYTES = WireBounds.MAX_TEXT_BYTES;

  /** Most causal dependencies of one chat message (authors send at most {@code maxDeps}, 8). */
  public static final int MAX_DEPS = 64;

  /** Most origins in one Digest, and most seq ranges (contiguous or beyond) in all its entries. */
  public static final int MAX_DIGEST_ENTRIES = 10_000;

  public static final int MAX_DIGEST_RANGES = 65_536;

  /** Most wants in one SyncRequest: each costs the answerer a store query. */
  public static final int MAX_WANTS = 1_024;

  /** Most messages in one SyncBatch frame (an honest answer's batches stay within it). */
  public static final int MAX_BATCH_MESSAGES = WireBounds.MAX_BATCH_MESSAGES;

  /** Most addresses in one PeerList: each may become a dial. */
  public static final int MAX_PEER_LIST = 1_024;

  /** Most ids in one IHave or Graft: each may cost the receiver a timer or a store read. */
  public static final int MAX_IDS = 256;

  /** A Close's text is for a log line: longer is cut, not refused. */
  public static final int MAX_CLOSE_TEXT = 256;

  private final RoomKey roomKey;
  // read side: the link's context (origin numbers its peer bound, the last live chat's wall
  // time), shared with its LinkFrameDecoder
  private final LinkContext context;
  // write side (docs/protocol.md, "Link context"): the origin numbers sent in full on this link,
  // and the last live chat message written on it
  private final BitSet boundHere = new BitSet();
  private ChatMessage lastWritten;

  /** A codec for an open room. */
  public LinkCodec() {
    this(null);
  }

  /** A codec that seals and opens message bodies with a private room's key (null: open room). */
  public LinkCodec(RoomKey roomKey) {
    this(roomKey, new LinkContext());
  }

  /**
   * As {@link #LinkCodec(RoomKey)}, reading live chat frames in {@code context}, which the link's
   * {@link LinkFrameDecoder} shares: frames pass one or the other, in the link's order.
   */
  public LinkCodec(RoomKey roomKey, LinkContext context) {
    this.roomKey = roomKey;
    this.context = context;
  }

  /** The envelope prototype the Protobuf decoder needs. */
  public static MessageLite prototype() {
    return LinkFrame.getDefaultInstance();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, LinkMessage msg, List<Object> out) {
    // The room hands the same message object to every link it goes to, and a peer's links share
    // its thread (the room thread), so remembering the last frames built on this thread turns
    // N-1 Protobuf builds of one chat message into one (the frame is immutable).
    // Chat, head and history frames of an open room go straight to their length-prefixed bytes
    // (LinkFrameWriter), and every link writes those very bytes, wrapped, not copied
    if (roomKey == null && msg instanceof LinkMessage.Chat c) {
      out.add(Unpooled.wrappedBuffer(inContext(c)));
      return;
    }
    if (roomKey == null
        && (msg instanceof LinkMessage.Head || msg instanceof LinkMessage.SyncBatch)) {
      out.add(Unpooled.wrappedBuffer(RECENT_BYTES.get(msg, LinkFrameWriter::framed)));
      return;
    }
    out.add(RECENT.get(msg, m -> toFrame(m, roomKey)));
  }

  /**
   * {@code varint32 length ‖ frame} of a live chat in this link's context, as {@link #encode} would
   * write it (and moving the link's context on as that does), for a link that writes it past the
   * pipeline ({@code LiveChatPath}); null in a private room, whose frames go through the pipeline.
   */
  public byte[] liveChatFrame(LinkMessage.Chat c) {
    return roomKey == null ? inContext(c) : null;
  }

  /**
   * A live chat frame's bytes in this link's context: origins by number once bound here, no {@code
   * prev} when the last live chat written here was the message's predecessor, and the wall time as
   * a difference to that last one's. Once every number a message uses is bound, its bytes are the
   * same on every link of this thread whose last live chat was the same, made once: in a full mesh,
   * all of them. (A private room's frames go whole: the context is a sender's option,
   * docs/protocol.md.)
   */
  private byte[] inContext(LinkMessage.Chat c) {
    ChatMessage m = c.message();
    ChatMessage after = lastWritten;
    lastWritten = m;
    InContext e =
        RECENT_CONTEXT.get(
            c,
            k -> {
              int[] numbers = OriginNumbers.ofThisThread().of(m);
              return new InContext(
                  numbers, after, LinkFrameWriter.contextChat(m, numbers, null, after));
            });
    if (!OriginNumbers.allBound(e.numbers, boundHere)) {
      // an origin's first time on this link: its bytes go with its number, which binds it
      return LinkFrameWriter.contextChat(m, e.numbers, boundHere, after);
    }
    // made for a link whose last live chat was another: this one's differs
    return e.after == after ? e.bytes : LinkFrameWriter.contextChat(m, e.numbers, null, after);
  }

  /**
   * A record that {@link LinkFrameDecoder} read straight from the frame (every chat, head and
   * history frame of an open room) is passed on as it is, without the decoder side's output list
   * taken, filled with it and given back per frame (1.5 % of the throughput cell's room threads,
   * docs/benchmarks.md, session 29); a {@code LinkFrame} is decoded as before.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof LinkFrame) {
      super.channelRead(ctx, msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, LinkFrame frame, List<Object> out) {
    out.add(fromFrame(frame, roomKey, context));
  }

  // ---- wire -> domain ----

  public static LinkMessage fromFrame(LinkFrame f) {
    return fromFrame(f, null);
  }

  /** As {@link #fromFrame(LinkFrame)}, opening sealed bodies with {@code key} (null: open room). */
  public static LinkMessage fromFrame(LinkFrame f, RoomKey key) {
    return fromFrame(f, key, new LinkContext());
  }

  /**
   * As {@link #fromFrame(LinkFrame, RoomKey)}, for a frame read on a link in {@code context} (a
   * live chat frame may use and bind origin numbers, and give its wall time as a difference).
   */
  public static LinkMessage fromFrame(LinkFrame f, RoomKey key, LinkContext context) {
    try {
      // Java 17: no pattern switch; the envelope's case enum is exhaustive here.
      switch (f.getBodyCase()) {
        case HELLO:
          return hello(f.getHello());
        case CHAT:
          return liveChat(f.getChat(), key, context);
        case DIGEST:
          return digest(f.getDigest());
        case SYNC_REQUEST:
          return syncRequest(f.getSyncRequest());
        case SYNC_BATCH:
          return syncBatch(f.getSyncBatch(), key);
        case PING:
          return new LinkMessage.Ping(f.getPing().getNonce());
        case PONG:
          return new LinkMessage.Pong(f.getPong().getNonce());
        case PEER_LIST:
          return peerList(f.getPeerList());
        case CLOSE:
          return close(f.getClose());
        case HEAD:
          return new LinkMessage.Head(head(f.getHead()));
        case EQUIVOCATION:
          return equivocation(f.getEquivocation(), key);
        case HELLO_PROOF:
          return new LinkMessage.HelloProof(
              f.getHelloProof().getSignature().toByteArray(),
              f.getHelloProof().getRoomMac().toByteArray());
        case IHAVE:
          return new LinkMessage.IHave(ids(f.getIhave().getIdsList(), 1));
        case GRAFT:
          return new LinkMessage.Graft(ids(f.getGraft().getIdsList(), 0));
        case PRUNE:
          return prune(f.getPrune());
        case ROOM_PAKE:
          return roomPake(f.getRoomPake());
        case MEMBERSHIP:
          return MembershipFrames.fromWire(f.getMembership());
        case BODY_NOT_SET:
        default:
          // An unknown field number also lands here: protobuf keeps it as an unknown field.
          throw new LinkFrameException(CloseReason.PROTOCOL_ERROR, "frame with no known body");
      }
    } catch (IllegalArgumentException e) {
      throw new LinkFrameException(
          CloseReason.INVALID_MESSAGE,
          f.getBodyCase().name().toLowerCase() + ": " + e.getMessage());
    }
  }

  /** The largest J-PAKE round payload: round 1 carries six 2048-bit values, length-prefixed. */
  static final int MAX_PAKE_BYTES = 2_048;

  private static LinkMessage.RoomPake roomPake(RoomPake p) {
    if (p.getRound() < 1 || p.getRound() > 3) {
      throw new IllegalArgumentException("round " + p.getRound() + " is not 1, 2 or 3");
    }
    atMost("payload bytes", p.getPayload().size(), MAX_PAKE_BYTES);
    return new LinkMessage.RoomPake(p.getRound(), p.getPayload().toByteArray());
  }

  private static LinkMessage.Hello hello(Hello h) {
    atMost("nick bytes", h.getNickBytes().size(), MAX_NICK_BYTES);
    atMost("room bytes", h.getRoomBytes().size(), MAX_ROOM_BYTES);
    return new LinkMessage.Hello(
        h.getProtocolVersion(),
        peerId(h.getPeerId()),
        h.getNick(),
        h.getRoom(),
        port(h.getListenPort()),
        nonNegative("lamport", h.getLamport()),
        h.getPublicKey().toByteArray(),
        h.getChallenge().toByteArray());
  }

  private static ChatMessage chat(meshchat.proto.v1.ChatMessage c, RoomKey key) {
    return chat(c, key, null);
  }

  /**
   * {@code context}: the link's, for a live chat frame's message, which may name origins by number,
   * give its wall time as a difference and leave out a {@code prev} the link implies (filled in by
   * {@link #liveChat}, or by {@link ChainCheck} where the context does not chain); null for a
   * message anywhere else (history, proofs), whose origins are always in full and whose {@code
   * prev} is always there; origin numbers are ignored there.
   */
  private static ChatMessage chat(
      meshchat.proto.v1.ChatMessage c, RoomKey key, LinkContext context) {
    chatSizes(
        c.getNickBytes().size(), c.getTextBytes().size(), c.getSealed().size(), c.getDepsCount());
    PeerId origin = origin(c.getOrigin(), c.getOriginRef(), context);
    List<MessageId> deps = new ArrayList<>(c.getDepsCount());
    for (meshchat.proto.v1.MessageId d : c.getDepsList()) {
      deps.add(new MessageId(origin(d.getOrigin(), d.getOriginRef(), context), d.getSeq()));
    }
    long wall =
        context == null
            ? c.getWallTimeMs()
            : context.wallTime(c.getWallTimeMs(), c.hasWallTimeDeltaMs(), c.getWallTimeDeltaMs());
    ChatMessage m =
        chat(
            new MessageId(origin, c.getSeq()),
            c.getLamport(),
            wall,
            c.getNick(),
            c.getText(),
            c.getSealed().toByteArray(),
            deps,
            c.getPrev().toByteArray(),
            c.getKindValue(),
            key,
            context != null);
    if (context != null) {
      context.read(m);
    }
    return m;
  }

  /**
   * A live chat frame's message, chained and hashed if the link's {@code context} chains (as {@link
   * LinkFrameReader} does for the frames it reads, sharing the link's chain with it).
   */
  private static LinkMessage.Chat liveChat(
      meshchat.proto.v1.ChatMessage c, RoomKey key, LinkContext context) {
    ChatMessage m = chat(c, key, context);
    if (context == null || !context.chains()) {
      return new LinkMessage.Chat(m);
    }
    if (!m.isChained()) {
      byte[] prev = context.impliedPrev(m.origin(), m.seq());
      if (prev == null) {
        throw LinkContext.notPredecessor(m.id());
      }
      m = m.chained(prev);
    }
    byte[] hash = MessageSigning.hash(m, context.room());
    context.chained(m, hash);
    return new LinkMessage.Chat(m, hash);
  }

  /** An origin in full, or (a live chat frame, {@code context} set) by its number on the link. */
  private static PeerId origin(ByteString bytes, int ref, LinkContext context) {
    if (context == null || ref == 0) {
      return peerId(bytes);
    }
    return context.resolve(bytes.isEmpty() ? null : peerId(bytes), Integer.toUnsignedLong(ref));
  }

  /** The bounds on a chat message's sizes, checked before anything in it is made. */
  static void chatSizes(int nickBytes, int textBytes, int sealedBytes, int deps) {
    atMost("nick bytes", nickBytes, MAX_NICK_BYTES);
    atMost("text bytes", textBytes, MAX_TEXT_BYTES);
    atMost("sealed bytes", sealedBytes, MAX_NICK_BYTES + MAX_TEXT_BYTES + 32);
    atMost("deps", deps, MAX_DEPS);
  }

  /** A chat message from its fields as read (either reader), after {@link #chatSizes}. */
  static ChatMessage chat(
      MessageId id,
      long lamport,
      long wallTimeMs,
      String nick,
      String text,
      byte[] sealed,
      List<MessageId> deps,
      byte[] prev,
      int kindValue,
      RoomKey key,
      boolean live) {
    if (key != null) {
      // a private room: the body travels only sealed (docs/security.md)
      if (sealed.length == 0 || !nick.isEmpty() || !text.isEmpty()) {
        throw new IllegalArgumentException("message " + id + " is not sealed");
      }
      SealedBody.Body body = SealedBody.open(key, id.origin(), id.seq(), sealed);
      // the sealed bound is for nick and text together: each has its own, as in an open room
      atMost("nick bytes", body.nickBytes(), MAX_NICK_BYTES);
      atMost("text bytes", body.textBytes(), MAX_TEXT_BYTES);
      nick = body.nick();
      text = body.text();
    } else if (sealed.length != 0) {
      throw new IllegalArgumentException("a sealed message in an open room");
    }
    // a live chat frame may leave prev out: the link's previous live chat implies it (ChainCheck)
    if (prev.length != ChatMessage.HASH_BYTES && !(live && prev.length == 0)) {
      throw new IllegalArgumentException("message " + id + " has no 32-byte prev");
    }
    ChatMessage.Kind kind = ChatMessage.Kind.ofWire(kindValue);
    if (kind == null) {
      throw new IllegalArgumentException("message " + id + " has unknown kind " + kindValue);
    }
    return new ChatMessage(id, lamport, wallTimeMs, nick, text, deps, prev, kind);
  }

  private static ChainHead head(meshchat.proto.v1.ChainHead h) {
    headSizes(h.getPublicKey().size(), h.getSignature().size());
    return new ChainHead(
        peerId(h.getOrigin()),
        h.getSeq(),
        h.getHash().toByteArray(),
        h.getSignature().toByteArray(),
        h.getPublicKey().toByteArray());
  }

  /** The bounds on a head's key and signature sizes. */
  static void headSizes(int keyBytes, int signatureBytes) {
    if (keyBytes != 0 && keyBytes != Ed25519.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("a head's key is 32 bytes or absent: " + keyBytes);
    }
    atMost("signature bytes", signatureBytes, Ed25519.SIGNATURE_BYTES);
  }

  /**
   * A proof of the wrong shape is refused here, counted as {@code proof_malformed} rather than as a
   * bad frame; its signatures and hashes are checked by {@link ChainCheck}.
   */
  private static LinkMessage.Equivocated equivocation(
      meshchat.proto.v1.Equivocation e, RoomKey key) {
    try {
      if (!e.hasA() || !e.hasB()) {
        throw new IllegalArgumentException("an equivocation needs both heads");
      }
      atMost("equivocation run", e.getARunCount(), Equivocation.MAX_RUN);
      atMost("equivocation run", e.getBRunCount(), Equivocation.MAX_RUN);
      List<ChatMessage> a = new ArrayList<>(e.getARunCount());
      for (meshchat.proto.v1.ChatMessage m : e.getARunList()) {
        a.add(chat(m, key));
      }
      List<ChatMessage> b = new ArrayList<>(e.getBRunCount());
      for (meshchat.proto.v1.ChatMessage m : e.getBRunList()) {
        b.add(chat(m, key));
      }
      return new LinkMessage.Equivocated(new Equivocation(head(e.getA()), a, head(e.getB()), b));
    } catch (IllegalArgumentException bad) {
      throw new LinkFrameException(
          CloseReason.INVALID_MESSAGE,
          "equivocation: " + bad.getMessage(),
          Counters.Counter.PROOF_MALFORMED);
    }
  }

  private static LinkMessage.Digest digest(Digest d) {
    atMost("digest entries", d.getEntriesCount(), MAX_DIGEST_ENTRIES);
    long ranges = 0;
    for (DigestEntry e : d.getEntriesList()) {
      ranges += 1 + e.getBeyondCount();
    }
    atMost("digest ranges", ranges, MAX_DIGEST_RANGES);
    List<LinkMessage.DigestEntry> entries = new ArrayList<>(d.getEntriesCount());
    Set<PeerId> origins = new HashSet<>(2 * d.getEntriesCount());
    for (DigestEntry e : d.getEntriesList()) {
      PeerId origin = peerId(e.getOrigin());
      if (!origins.add(origin)) {
        // each origin once: 10,000 entries naming one would be 10,000 tips to compare (rev29 F7)
        throw new IllegalArgumentException("digest names origin " + origin + " twice");
      }
      long contiguous = nonNegative("contiguous", e.getContiguous());
      List<SeqRange> beyond = new ArrayList<>(e.getBeyondCount());
      for (meshchat.proto.v1.SeqRange r : e.getBeyondList()) {
        beyond.add(new SeqRange(r.getFirst(), r.getLast()));
      }
      entries.add(
          new LinkMessage.DigestEntry(
              origin, SeqSet.of(contiguous, beyond), e.getTipSeq(), e.getTipHash().toByteArray()));
    }
    return new LinkMessage.Digest(entries, d.getComplete());
  }

  private static LinkMessage.SyncRequest syncRequest(SyncRequest r) {
    atMost("wants", r.getWantsCount(), MAX_WANTS);
    List<LinkMessage.Want> wants = new ArrayList<>(r.getWantsCount());
    for (SyncRequest.Want w : r.getWantsList()) {
      if (!w.hasRange()) {
        throw new IllegalArgumentException("want without a range");
      }
      wants.add(
          new LinkMessage.Want(
              peerId(w.getOrigin()),
              new SeqRange(w.getRange().getFirst(), w.getRange().getLast())));
    }
    // uint32 above 2^31 arrives negative: treat as "as many as you allow"
    int max = r.getMaxMessages() < 0 ? Integer.MAX_VALUE : r.getMaxMessages();
    return new LinkMessage.SyncRequest(r.getRequestId(), wants, max);
  }

  private static LinkMessage.SyncBatch syncBatch(SyncBatch b, RoomKey key) {
    atMost("batch messages", b.getMessagesCount(), MAX_BATCH_MESSAGES);
    atMost("batch heads", b.getHeadsCount(), MAX_BATCH_MESSAGES);
    List<ChatMessage> messages = new ArrayList<>(b.getMessagesCount());
    for (meshchat.proto.v1.ChatMessage m : b.getMessagesList()) {
      messages.add(chat(m, key));
    }
    List<ChainHead> heads = new ArrayList<>(b.getHeadsCount());
    for (meshchat.proto.v1.ChainHead h : b.getHeadsList()) {
      heads.add(head(h));
    }
    return new LinkMessage.SyncBatch(b.getRequestId(), messages, b.getDone(), heads);
  }

  private static List<MessageId> ids(List<meshchat.proto.v1.MessageId> wire, int min) {
    atMost("ids", wire.size(), MAX_IDS);
    if (wire.size() < min) {
      throw new IllegalArgumentException("no ids");
    }
    List<MessageId> out = new ArrayList<>(wire.size());
    for (meshchat.proto.v1.MessageId d : wire) {
      out.add(new MessageId(peerId(d.getOrigin()), d.getSeq()));
    }
    return out;
  }

  private static LinkMessage.Prune prune(Prune p) {
    atMost("prune origins", p.getOriginsCount(), MAX_IDS);
    List<PeerId> origins = new ArrayList<>(p.getOriginsCount());
    for (ByteString o : p.getOriginsList()) {
      origins.add(peerId(o));
    }
    return new LinkMessage.Prune(origins);
  }

  private static LinkMessage.PeerList peerList(PeerList p) {
    atMost("peer list entries", p.getPeersCount(), MAX_PEER_LIST);
    List<PeerAddress> peers = new ArrayList<>(p.getPeersCount());
    for (PeerList.Entry e : p.getPeersList()) {
      atMost("nick bytes", e.getNickBytes().size(), MAX_NICK_BYTES);
      atMost("host bytes", e.getHostBytes().size(), MAX_HOST_BYTES);
      PeerId id = peerId(e.getPeerId());
      int port = port(e.getPort());
      if (Hosts.plausible(e.getHost())) {
        peers.add(new PeerAddress(id, e.getNick(), e.getHost(), port));
      } else {
        // no host name or address (none known, or a tab or escape in it): the entry still says
        // whom the sender is linked to (the forwarding rule), with no address anyone dials
        peers.add(new PeerAddress(id, e.getNick(), "", 0));
      }
    }
    return new LinkMessage.PeerList(peers);
  }

  /** By name, not by ordinal, so reordering the Java enum can never change the wire. */
  private static Close.Reason wireReason(CloseReason r) {
    return r == CloseReason.UNSPECIFIED
        ? Close.Reason.REASON_UNSPECIFIED
        : Close.Reason.valueOf(r.name());
  }

  private static LinkMessage.Close close(Close c) {
    CloseReason reason =
        switch (c.getReason()) {
          case PROTOCOL_ERROR -> CloseReason.PROTOCOL_ERROR;
          case VERSION_MISMATCH -> CloseReason.VERSION_MISMATCH;
          case WRONG_ROOM -> CloseReason.WRONG_ROOM;
          case DUPLICATE_LINK -> CloseReason.DUPLICATE_LINK;
          case SELF_LINK -> CloseReason.SELF_LINK;
          case FRAME_TOO_LARGE -> CloseReason.FRAME_TOO_LARGE;
          case INVALID_MESSAGE -> CloseReason.INVALID_MESSAGE;
          case LEAVING -> CloseReason.LEAVING;
          case IDLE -> CloseReason.IDLE;
          case LIMIT_EXCEEDED -> CloseReason.LIMIT_EXCEEDED;
          case UNAUTHENTICATED -> CloseReason.UNAUTHENTICATED;
          default -> CloseReason.UNSPECIFIED; // a newer peer's reason we do not know
        };
    String text = c.getMessage();
    if (text.length() > MAX_CLOSE_TEXT) {
      text = text.substring(0, MAX_CLOSE_TEXT) + "...";
    }
    return new LinkMessage.Close(reason, text);
  }

  private static PeerId peerId(ByteString b) {
    return PeerId.of(b.toByteArray()); // throws IllegalArgumentException unless 1..64 bytes
  }

  private static int port(int p) {
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("port out of range: " + Integer.toUnsignedString(p));
    }
    return p;
  }

  static void atMost(String what, long n, long max) {
    if (n > max) {
      throw new IllegalArgumentException(what + ": " + n + " is over the limit of " + max);
    }
  }

  private static long nonNegative(String what, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " out of range: " + Long.toUnsignedString(v));
    }
    return v;
  }

  // ---- domain -> wire ----

  public static LinkFrame toFrame(LinkMessage m) {
    return toFrame(m, null);
  }

  /** As {@link #toFrame(LinkMessage)}, sealing message bodies with {@code key} (null: open). */
  public static LinkFrame toFrame(LinkMessage m, RoomKey key) {
    LinkFrame.Builder f = LinkFrame.newBuilder();
    if (m instanceof LinkMessage.Hello h) {
      f.setHello(
          Hello.newBuilder()
              .setProtocolVersion(h.protocolVersion())
              .setPeerId(bytes(h.peerId()))
              .setNick(h.nick())
              .setRoom(h.room())
              .setListenPort(h.listenPort())
              .setLamport(h.lamport())
              .setPublicKey(ByteString.copyFrom(h.publicKey()))
              .setChallenge(ByteString.copyFrom(h.challenge())));
    } else if (m instanceof LinkMessage.HelloProof p) {
      f.setHelloProof(
          HelloProof.newBuilder()
              .setSignature(ByteString.copyFrom(p.signature()))
              .setRoomMac(ByteString.copyFrom(p.roomMac())));
    } else if (m instanceof LinkMessage.RoomPake p) {
      f.setRoomPake(
          RoomPake.newBuilder().setRound(p.round()).setPayload(ByteString.copyFrom(p.payload())));
    } else if (m instanceof LinkMessage.Chat c) {
      f.setChat(chat(c.message(), key));
    } else if (m instanceof LinkMessage.Digest d) {
      Digest.Builder b = Digest.newBuilder().setComplete(d.complete());
      for (LinkMessage.DigestEntry e : d.entries()) {
        DigestEntry.Builder eb =
            DigestEntry.newBuilder()
                .setOrigin(bytes(e.origin()))
                .setContiguous(e.held().contiguous())
                .setTipSeq(e.tipSeq())
                .setTipHash(ByteString.copyFrom(e.tipHash()));
        for (SeqRange r : e.held().beyond()) {
          eb.addBeyond(range(r));
        }
        b.addEntries(eb);
      }
      f.setDigest(b);
    } else if (m instanceof LinkMessage.SyncRequest r) {
      SyncRequest.Builder b =
          SyncRequest.newBuilder().setRequestId(r.requestId()).setMaxMessages(r.maxMessages());
      for (LinkMessage.Want w : r.wants()) {
        b.addWants(
            SyncRequest.Want.newBuilder().setOrigin(bytes(w.origin())).setRange(range(w.range())));
      }
      f.setSyncRequest(b);
    } else if (m instanceof LinkMessage.SyncBatch s) {
      SyncBatch.Builder b = SyncBatch.newBuilder().setRequestId(s.requestId()).setDone(s.done());
      s.messages().forEach(c -> b.addMessages(chat(c, key)));
      s.heads().forEach(h -> b.addHeads(head(h)));
      f.setSyncBatch(b);
    } else if (m instanceof LinkMessage.Head h) {
      f.setHead(head(h.head()));
    } else if (m instanceof LinkMessage.Equivocated q) {
      Equivocation e = q.proof();
      meshchat.proto.v1.Equivocation.Builder b =
          meshchat.proto.v1.Equivocation.newBuilder().setA(head(e.a())).setB(head(e.b()));
      e.aRun().forEach(c -> b.addARun(chat(c, key)));
      e.bRun().forEach(c -> b.addBRun(chat(c, key)));
      f.setEquivocation(b);
    } else if (m instanceof LinkMessage.Ping p) {
      f.setPing(Ping.newBuilder().setNonce(p.nonce()));
    } else if (m instanceof LinkMessage.Pong p) {
      f.setPong(Pong.newBuilder().setNonce(p.nonce()));
    } else if (m instanceof LinkMessage.PeerList p) {
      PeerList.Builder b = PeerList.newBuilder();
      for (PeerAddress a : p.peers()) {
        b.addPeers(
            PeerList.Entry.newBuilder()
                .setPeerId(bytes(a.peerId()))
                .setNick(a.nick())
                .setHost(a.host())
                .setPort(a.port()));
      }
      f.setPeerList(b);
    } else if (m instanceof LinkMessage.Close c) {
      f.setClose(Close.newBuilder().setReason(wireReason(c.reason())).setMessage(c.message()));
    } else if (m instanceof LinkMessage.IHave h) {
      f.setIhave(IHave.newBuilder().addAllIds(wireIds(h.ids())));
    } else if (m instanceof LinkMessage.Graft g) {
      f.setGraft(Graft.newBuilder().addAllIds(wireIds(g.ids())));
    } else if (m instanceof LinkMessage.Prune p) {
      Prune.Builder b = Prune.newBuilder();
      p.origins().forEach(o -> b.addOrigins(bytes(o)));
      f.setPrune(b);
    } else if (m instanceof LinkMessage.ViewMessage v) {
      f.setMembership(MembershipFrames.toWire(v));
    } else if (m instanceof LinkMessage.Unsigned) {
      throw new IllegalArgumentException("Unsigned is never sent"); // the frame layer's, local
    }
    return f.build();
  }

  private static meshchat.proto.v1.ChatMessage chat(ChatMessage m, RoomKey key) {
    meshchat.proto.v1.ChatMessage.Builder b =
        meshchat.proto.v1.ChatMessage.newBuilder()
            .setOrigin(bytes(m.origin()))
            .setSeq(m.seq())
            .setLamport(m.lamport())
            .setWallTimeMs(m.wallTimeMs());
    if (key == null) {
      b.setNick(m.nick()).setText(m.text());
    } else {
      b.setSealed(
          ByteString.copyFrom(SealedBody.seal(key, m.origin(), m.seq(), m.nick(), m.text())));
    }
    if (m.isChained()) {
      b.setPrev(ByteString.copyFrom(m.prevUnsafe()));
    }
    b.setKindValue(m.kind().wire());
    for (MessageId d : m.deps()) {
      b.addDeps(
          meshchat.proto.v1.MessageId.newBuilder().setOrigin(bytes(d.origin())).setSeq(d.seq()));
    }
    return b.build();
  }

  private static meshchat.proto.v1.ChainHead head(ChainHead h) {
    return meshchat.proto.v1.ChainHead.newBuilder()
        .setOrigin(bytes(h.origin()))
        .setSeq(h.seq())
        .setHash(ByteString.copyFrom(h.hash()))
        .setSignature(ByteString.copyFrom(h.signature()))
        .setPublicKey(ByteString.copyFrom(h.publicKey()))
        .build();
  }

  private static List<meshchat.proto.v1.MessageId> wireIds(List<MessageId> ids) {
    List<meshchat.proto.v1.MessageId> out = new ArrayList<>(ids.size());
    for (MessageId d : ids) {
      out.add(
          meshchat.proto.v1.MessageId.newBuilder()
              .setOrigin(bytes(d.origin()))
              .setSeq(d.seq())
              .build());
    }
    return out;
  }

  private static meshchat.proto.v1.SeqRange range(SeqRange r) {
    return meshchat.proto.v1.SeqRange.newBuilder().setFirst(r.first()).setLast(r.last()).build();
  }

  private static ByteString bytes(PeerId id) {
    return ByteString.copyFrom(id.toBytes());
  }
}

package meshchat.peer.room;

import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/** Things the user should hear about that are not messages. */
public sealed interface RoomNotice {
  /** An anti-entropy round delivered {@code count} messages. */
  record CaughtUp(long count) implements RoomNotice {}

  /** Catch-up in progress from {@code peer}: {@code received} so far, {@code wanted} known. */
  record SyncProgress(PeerId peer, long received, long wanted) implements RoomNotice {}

  /**
   * {@code origin} is proven to have signed two histories that differ at {@code seq}: its messages
   * from there on are disputed. Told again only if a later proof lowers the seq.
   */
  record Equivocated(PeerId origin, long seq) implements RoomNotice {}

  /** Two different messages claim the same id; the first is kept. Told once per origin. */
  record Fork(ChatMessage kept, ChatMessage rejected) implements RoomNotice {}

  /**
   * After a start, the room held {@code count} of our own messages that our store lacked (a data
   * dir restored from an old copy, or wiped with the identity kept): they were taken back, and our
   * next message continues after seq {@code lastSeq}. Told once per start.
   */
  record OwnRecovered(long count, long lastSeq) implements RoomNotice {}

  /** A message shown incomplete now has all its dependencies. */
  record Completed(MessageId id) implements RoomNotice {}

  /** Our own message {@code id} is held by another peer for the first time: {@code holder}. */
  record Held(MessageId id, PeerId holder) implements RoomNotice {}

  /**
   * Our own message {@code id} is held by {@code holders} of the {@code linked} peers linked now,
   * per their digests ("seen by k of n"). Told for the latest own messages when either number
   * changes.
   */
  record Seen(MessageId id, int holders, int linked) implements RoomNotice {}

  /**
   * {@code lines} lines of {@code author} were shown before their head, and its link went down
   * without a signed head for them, nor did a signed copy come by any path within a grace: the user
   * saw lines their author never signed. They are not kept.
   */
  record Unsigned(PeerId author, int lines) implements RoomNotice {}

  /**
   * {@code author}'s messages from {@code seq} on are not kept here: they would take it over its
   * quota of bytes stored per rolling day ({@code limit}). Told once per hold; its later lines are
   * fetched again once the day's window has room.
   */
  record OverQuota(PeerId author, long seq, long limit) implements RoomNotice {}

  /** A peer sent something invalid; the link layer closes it. */
  record BadInput(PeerId peer, String reason) implements RoomNotice {}
}

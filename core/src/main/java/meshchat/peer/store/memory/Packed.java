package meshchat.peer.store.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;

/**
 * A stored message as one {@code byte[]}: what a compact {@link InMemoryMessageStore} keeps instead
 * of the decoded {@link ChatMessage}, which holds five or six objects of its own (the record, its
 * text and the text's array, its deps list and that list's array, its prev hash). Every object a
 * busy peer keeps is copied by the next young collection, and those pauses make the latency tail
 * (docs/benchmarks.md, sessions 15 and 16); one array is copied as one object.
 *
 * <p>Layout, big-endian: lamport (8), seq (8), wall time (8), the store's author index (4), the
 * store's nick index (4), deps count (4), kind's wire number (1), flags (1: {@link #PREV} a 32-byte
 * prev follows; {@link #UTF16} the text is two bytes a char), then prev, then each dep as its
 * origin's length (1), bytes and seq (8), then the text to the end: one byte a char when every char
 * is below 256, else two. Exact for every {@code String}, unpaired surrogates included.
 */
final class Packed {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private static final int LAMPORT = 0;
  private static final int SEQ = 8;
  private static final int WALL = 16;
  private static final int AUTHOR = 24;
  private static final int NICK = 28;
  private static final int DEPS = 32;
  private static final int KIND = 36;
  private static final int FLAGS = 37;
  private static final int HEADER = 38;

  private static final int PREV = 1;
  private static final int UTF16 = 2;

  private Packed() {}

  /** {@code m} packed, by the store's indexes of its author and its nick. */
  static byte[] pack(ChatMessage m, int author, int nick) {
    String text = m.text();
    boolean latin1 = true;
    for (int i = 0, n = text.length(); i < n && latin1; i++) {
      latin1 = text.charAt(i) < 256;
    }
    List<MessageId> deps = m.deps();
    byte[] prev = m.prevUnsafe();
    int size = HEADER + prev.length + (latin1 ? 1 : 2) * text.length();
    for (int i = 0, n = deps.size(); i < n; i++) {
      size += 1 + deps.get(i).origin().length() + 8;
    }
    byte[] b = new byte[size];
    LONG.set(b, LAMPORT, m.lamport());
    LONG.set(b, SEQ, m.seq());
    LONG.set(b, WALL, m.wallTimeMs());
    INT.set(b, AUTHOR, author);
    INT.set(b, NICK, nick);
    INT.set(b, DEPS, deps.size());
    b[KIND] = (byte) m.kind().ordinal();
    b[FLAGS] = (byte) ((prev.length != 0 ? PREV : 0) | (latin1 ? 0 : UTF16));
    int at = HEADER;
    System.arraycopy(prev, 0, b, at, prev.length);
    at += prev.length;
    for (int i = 0, n = deps.size(); i < n; i++) {
      MessageId d = deps.get(i);
      PeerId o = d.origin();
      b[at] = (byte) o.length(); // 1..64
      o.copyTo(b, at + 1);
      at += 1 + o.length();
      LONG.set(b, at, d.seq());
      at += 8;
    }
    if (latin1) {
      for (int i = 0, n = text.length(); i < n; i++) {
        b[at++] = (byte) text.charAt(i);
      }
    } else {
      for (int i = 0, n = text.length(); i < n; i++) {
        char c = text.charAt(i);
        b[at++] = (byte) (c >>> 8);
        b[at++] = (byte) c;
      }
    }
    return b;
  }

  static long lamport(byte[] b) {
    return (long) LONG.get(b, LAMPORT);
  }

  static long seq(byte[] b) {
    return (long) LONG.get(b, SEQ);
  }

  static int author(byte[] b) {
    return (int) INT.get(b, AUTHOR);
  }

  /** The message {@code b} holds, whose author is {@code origin} and nick {@code nick}. */
  static ChatMessage unpack(byte[] b, PeerId origin, String nick) {
    int flags = b[FLAGS];
    int at = HEADER;
    byte[] prev =
        (flags & PREV) != 0 ? Arrays.copyOfRange(b, at, at + ChatMessage.HASH_BYTES) : null;
    at += prev == null ? 0 : ChatMessage.HASH_BYTES;
    int n = (int) INT.get(b, DEPS);
    MessageId[] deps = new MessageId[n];
    for (int i = 0; i < n; i++) {
      int length = b[at];
      PeerId o = PeerId.of(b, at + 1, length);
      at += 1 + length;
      deps[i] = new MessageId(o, (long) LONG.get(b, at));
      at += 8;
    }
    String text =
        (flags & UTF16) == 0
            ? new String(b, at, b.length - at, StandardCharsets.ISO_8859_1)
            : utf16(b, at);
    return new ChatMessage(
        new MessageId(origin, seq(b)),
        lamport(b),
        (long) LONG.get(b, WALL),
        nick,
        text,
        List.of(deps),
        prev,
        ChatMessage.Kind.values()[b[KIND]]);
  }

  static int nick(byte[] b) {
    return (int) INT.get(b, NICK);
  }

  private static String utf16(byte[] b, int from) {
    char[] chars = new char[(b.length - from) / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ((b[from + 2 * i] & 0xFF) << 8 | (b[from + 2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }
}

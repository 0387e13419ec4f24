package meshchat.peer.store.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;

/**
 * Messages packed one after another into a few big byte arrays, each found by its address: the
 * array's number in the high 32 bits, the offset in the low. What {@link PackedMessageStore} keeps
 * instead of decoded {@link ChatMessage}s, which hold five or six objects each (the record, its
 * text and the text's array, its deps list and that list's array, its prev hash). Every object a
 * busy peer keeps is copied by each young collection until it is old, and those pauses make the
 * latency tail (docs/benchmarks.md, sessions 15 and 16); a message here is no object at all, and
 * once the arrays reach {@link #MAX_CHUNK} G1 places each straight in the old generation (an array
 * of half a region or more is humongous), so no young collection copies them.
 *
 * <p>Layout of one message, big-endian: its length (4), lamport (8), seq (8), wall time (8), the
 * store's author index (4), the store's nick index (4), deps count (4), kind's wire order (1),
 * flags (1: {@link #PREV} a 32-byte prev follows; {@link #UTF16} the text is two bytes a char),
 * then prev, then each dep (a tag byte: 0 and the store's index of its author (4) when the store
 * numbers that author, else its origin's length and bytes; then its seq (8)), then the text to the
 * end: one byte a char when every char is below 256, else two. Exact for every {@code String},
 * unpaired surrogates included.
 */
final class MessageArena {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** The smallest first array's size; each next one doubles, up to {@link #MAX_CHUNK}. */
  static final int MIN_CHUNK = 4 * 1024;

  /** 1 MiB: at least half a G1 region for heaps up to 4 GB, so allocated in the old generation. */
  static final int MAX_CHUNK = 1024 * 1024;

  private static final int LENGTH = 0;
  private static final int LAMPORT = 4;
  private static final int SEQ = 12;
  private static final int WALL = 20;
  private static final int AUTHOR = 28;
  private static final int NICK = 32;
  private static final int DEPS = 36;
  private static final int KIND = 40;
  private static final int FLAGS = 41;
  private static final int HEADER = 42;

  private static final int PREV = 1;
  private static final int UTF16 = 2;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] chunk; // the last of chunks, where the next message goes
  private int used; // bytes of chunk taken
  private int nextSize;

  /**
   * An arena whose first array holds {@code firstChunk} bytes (at least {@link #MIN_CHUNK}, at most
   * {@link #MAX_CHUNK}). A busy peer's store starts at the largest, so that none of its arrays is
   * copied by a young collection even once; a store that may stay small starts small.
   */
  MessageArena(int firstChunk) {
    nextSize = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, firstChunk));
  }

  /**
   * Packs {@code m}, whose author the store numbers {@code author} and whose nick {@code nick};
   * {@code authors} is the store's index, for deps by authors it numbers. Returns the address.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): see the text below
  long put(ChatMessage m, int author, int nick, AuthorIndex<PeerId> authors) {
    String text = m.text();
    boolean latin1 = true;
    for (int i = 0, n = text.length(); i < n && latin1; i++) {
      latin1 = text.charAt(i) < 256;
    }
    List<MessageId> deps = m.deps();
    int[] depAuthors = new int[deps.size()];
    byte[] prev = m.prevUnsafe();
    int size = HEADER + prev.length + (latin1 ? 1 : 2) * text.length();
    for (int i = 0; i < depAuthors.length; i++) {
      PeerId o = deps.get(i).origin();
      depAuthors[i] = authors.indexOf(o);
      size += 1 + (depAuthors[i] >= 0 ? 4 : o.length()) + 8;
    }
    long address = reserve(size);
    byte[] b = chunk;
    int at = used - size;
    INT.set(b, at + LENGTH, size);
    LONG.set(b, at + LAMPORT, m.lamport());
    LONG.set(b, at + SEQ, m.seq());
    LONG.set(b, at + WALL, m.wallTimeMs());
    INT.set(b, at + AUTHOR, author);
    INT.set(b, at + NICK, nick);
    INT.set(b, at + DEPS, deps.size());
    b[at + KIND] = (byte) m.kind().ordinal();
    b[at + FLAGS] = (byte) ((prev.length != 0 ? PREV : 0) | (latin1 ? 0 : UTF16));
    at += HEADER;
    System.arraycopy(prev, 0, b, at, prev.length);
    at += prev.length;
    for (int i = 0; i < depAuthors.length; i++) {
      MessageId d = deps.get(i);
      if (depAuthors[i] >= 0) {
        b[at] = 0;
        INT.set(b, at + 1, depAuthors[i]);
        at += 5;
      } else {
        PeerId o = d.origin();
        b[at] = (byte) o.length(); // 1..64
        o.copyTo(b, at + 1);
        at += 1 + o.length();
      }
      LONG.set(b, at, d.seq());
      at += 8;
    }
    if (latin1) {
      // each char's low byte, which is all of it here: one copy of a Latin-1 string's bytes, where
      // a charAt per char took 4 % of the throughput cell's room threads (docs/benchmarks.md,
      // session 23)
      text.getBytes(0, text.length(), b, at);
    } else {
      for (int i = 0, n = text.length(); i < n; i++) {
        char c = text.charAt(i);
        b[at++] = (byte) (c >>> 8);
        b[at++] = (byte) c;
      }
    }
    return address;
  }

  /**
   * Makes room for {@code size} bytes at the end of the last array; returns their address, whose
   * bytes are {@link #bytes}{@code (address)} from {@link #offset}{@code (address)}.
   */
  long reserve(int size) {
    if (chunk == null || chunk.length - used < size) {
      int length = Math.max(size, nextSize);
      nextSize = Math.min(MAX_CHUNK, 2 * nextSize);
      chunk = new byte[length];
      chunks.add(chunk);
      used = 0;
    }
    long address = (long) (chunks.size() - 1) << 32 | used;
    used += size;
    return address;
  }

  /** The array that holds the bytes at {@code address}. */
  byte[] bytes(long address) {
    return chunks.get((int) (address >>> 32));
  }

  /** Where in {@link #bytes}{@code (address)} they start. */
  static int offset(long address) {
    return (int) address;
  }

  long lamport(long address) {
    return (long) LONG.get(bytes(address), offset(address) + LAMPORT);
  }

  long seq(long address) {
    return (long) LONG.get(bytes(address), offset(address) + SEQ);
  }

  int author(long address) {
    return (int) INT.get(bytes(address), offset(address) + AUTHOR);
  }

  int nick(long address) {
    return (int) INT.get(bytes(address), offset(address) + NICK);
  }

  /** The message at {@code address}, with its nick {@code nick}, made again. */
  ChatMessage get(long address, String nick, AuthorIndex<PeerId> authors) {
    byte[] b = bytes(address);
    int start = offset(address);
    int end = start + (int) INT.get(b, start + LENGTH);
    int flags = b[start + FLAGS];
    int at = start + HEADER;
    byte[] prev = null;
    if ((flags & PREV) != 0) {
      prev = Arrays.copyOfRange(b, at, at + ChatMessage.HASH_BYTES);
      at += ChatMessage.HASH_BYTES;
    }
    int n = (int) INT.get(b, start + DEPS);
    MessageId[] deps = new MessageId[n];
    for (int i = 0; i < n; i++) {
      int tag = b[at];
      PeerId o;
      if (tag == 0) {
        o = authors.author((int) INT.get(b, at + 1));
        at += 5;
      } else {
        o = PeerId.of(b, at + 1, tag);
        at += 1 + tag;
      }
      deps[i] = new MessageId(o, (long) LONG.get(b, at));
      at += 8;
    }
    String text =
        (flags & UTF16) == 0
            ? new String(b, at, end - at, StandardCharsets.ISO_8859_1)
            : utf16(b, at, end);
    return new ChatMessage(
        new MessageId(authors.author(author(address)), seq(address)),
        lamport(address),
        (long) LONG.get(b, start + WALL),
        nick,
        text,
        List.of(deps),
        prev,
        ChatMessage.Kind.values()[b[start + KIND]]);
  }

  private static String utf16(byte[] b, int from, int end) {
    char[] chars = new char[(end - from) / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) ((b[from + 2 * i] & 0xFF) << 8 | (b[from + 2 * i + 1] & 0xFF));
    }
    return new String(chars);
  }
}

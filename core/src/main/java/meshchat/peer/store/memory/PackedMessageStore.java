package meshchat.peer.store.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LamportTimestamp;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.sync.AuthorIndex;
import meshchat.peer.sync.SeqRange;
import meshchat.peer.sync.SeqSet;

/**
 * The memory store of a real peer ({@code bench chat --store memory}): {@link
 * InMemoryMessageStore}'s contract, with every message packed into a {@link MessageArena} and made
 * again when read, and with no object kept per message (addresses in {@code long} arrays, each
 * origin's heads in a {@link HeadLog}). A real peer decodes its own copy of every message; kept
 * decoded, each copy was five or six objects that every young collection copied, and those pauses
 * make the latency tail (docs/benchmarks.md, sessions 15 and 16). The simulation keeps {@link
 * InMemoryMessageStore}: it hands every peer the author's own instance, so a reference is all a
 * copy costs there.
 */
public final class PackedMessageStore extends MemoryStoreBase implements OrderBlocks.Ties {
  // messages and heads; its arrays are big from the first, so no young collection copies any
  private final MessageArena arena = new MessageArena(MessageArena.MAX_CHUNK);
  // every message in canonical (Lamport, origin) order, as its seq with its time as the key and its
  // author's number as the tie: the whole id beside the keys a search reads, so a late line's
  // predecessor is named without reading the arena, where the message may lie megabytes back (a
  // cache miss per late line: docs/benchmarks.md, session 28); its address is its author's log's.
  // Messages arrive near the end of it, but a peer's own ones run ahead of those in flight to it:
  // blocks keep each insert's shift short
  private final OrderBlocks byOrder = new OrderBlocks();
  private final AuthorIndex<PeerId> authors = new AuthorIndex<>();
  private AddressLog[] logs = new AddressLog[8];
  // each author's PeerId.orderPrefix by its number, beside the order's ties: a search step that
  // meets an equal key compares these and reads the author's id only where they are equal (its
  // own key, a fork), not the id object of every author it passes (docs/benchmarks.md, session 30)
  private long[] prefixes = new long[8];
  // each author's last nick and its index: an author's lines carry one nick instance (the shared
  // one, SharedValues) until it changes it, so an append finds its index by one comparison instead
  // of a map lookup per message
  private String[] lastNick = new String[8];
  private int[] lastNickIndex = new int[8];
  // each nick once, named in the arena by its index
  private final List<String> nicks = new ArrayList<>();
  private final Map<String, Integer> nickIndex = new HashMap<>();

  @Override
  public Snapshot load(PeerId self) {
    Map<PeerId, SeqSet> holdings = new HashMap<>();
    long[] maxLamport = {savedLamport};
    long[] ownSeq = {savedOwnSeq};
    for (int a = 0; a < authors.size(); a++) {
      PeerId origin = authors.author(a);
      boolean own = origin.equals(self);
      logs[a].forEach(
          address -> {
            long seq = arena.seq(address);
            holdings.computeIfAbsent(origin, o -> new SeqSet()).add(seq);
            maxLamport[0] = Math.max(maxLamport[0], arena.lamport(address));
            if (own) {
              ownSeq[0] = Math.max(ownSeq[0], seq);
            }
          });
    }
    return new Snapshot(maxLamport[0], ownSeq[0], holdings);
  }

  @Override
  public AppendResult append(ChatMessage message) {
    int a = authors.add(message.origin());
    if (a == logs.length) {
      logs = Arrays.copyOf(logs, 2 * a);
    }
    AddressLog log = logs[a];
    if (log == null) {
      log = logs[a] = new AddressLog();
      if (a >= prefixes.length) {
        prefixes = Arrays.copyOf(prefixes, logs.length);
      }
      prefixes[a] = message.origin().orderPrefix();
      if (a >= lastNick.length) {
        lastNick = Arrays.copyOf(lastNick, logs.length);
        lastNickIndex = Arrays.copyOf(lastNickIndex, logs.length);
      }
    }
    long existing = log.get(message.seq());
    if (existing != AddressLog.ABSENT) {
      if (message(existing).equals(message)) {
        return AppendResult.DUPLICATE;
      }
      return conflict(message);
    }
    long address = arena.put(message, a, nickIndex(a, message.nick()), authors);
    log.put(message.seq(), address);
    // the newest goes at the end; any other after the last that sorts at or before it
    int at = byOrder.search(message.lamport(), message.origin(), true, this);
    byOrder.insert(at, message.seq(), message.lamport(), a);
    return AppendResult.NEW;
  }

  private int nickIndex(int author, String nick) {
    if (lastNick[author] == nick) {
      return lastNickIndex[author];
    }
    int i = nickIndex(nick);
    lastNick[author] = nick;
    lastNickIndex[author] = i;
    return i;
  }

  private int nickIndex(String nick) {
    Integer i = nickIndex.get(nick);
    if (i == null) {
      i = nicks.size();
      nicks.add(nick);
      nickIndex.put(nick, i);
    }
    return i;
  }

  private ChatMessage message(long address) {
    return arena.get(address, nicks.get(arena.nick(address)), authors);
  }

  /** The address of the message at {@code index} of the canonical order. */
  private long addressAt(int index) {
    int slot = byOrder.slot(index);
    return logs[byOrder.tieOfSlot(slot)].get(byOrder.valueAt(slot));
  }

  /** The id of the message at {@code index} of the canonical order, from the order alone. */
  private MessageId idAt(int index) {
    return idOfSlot(byOrder.slot(index));
  }

  private MessageId idOfSlot(int slot) {
    return new MessageId(authors.author(byOrder.tieOfSlot(slot)), byOrder.valueAt(slot));
  }

  /** The address of {@code id}, or {@link AddressLog#ABSENT}. */
  private long addressOf(MessageId id) {
    int a = authors.indexOf(id.origin());
    return a < 0 ? AddressLog.ABSENT : logs[a].get(id.seq());
  }

  @Override
  public Optional<ChatMessage> get(MessageId id) {
    long address = addressOf(id);
    return address == AddressLog.ABSENT ? Optional.empty() : Optional.of(message(address));
  }

  /** Read from the arena without making the message: the room asks it for each dep of each. */
  @Override
  public OptionalLong lamportOf(MessageId id) {
    long address = addressOf(id);
    return address == AddressLog.ABSENT
        ? OptionalLong.empty()
        : OptionalLong.of(arena.lamport(address));
  }

  @Override
  public long lamportTime(PeerId origin, long seq) {
    int a = authors.indexOf(origin);
    long address = a < 0 ? AddressLog.ABSENT : logs[a].get(seq);
    return address == AddressLog.ABSENT ? NO_LAMPORT : arena.lamport(address);
  }

  @Override
  public List<ChatMessage> range(PeerId origin, SeqRange range, int limit) {
    int a = authors.indexOf(origin);
    if (a < 0 || limit <= 0) {
      return List.of();
    }
    List<ChatMessage> out = new ArrayList<>();
    logs[a].range(range.first(), range.last(), limit, address -> out.add(message(address)));
    return out;
  }

  @Override
  MessageArena headBytes() {
    return arena; // with the messages: big arrays from the first, never copied by a young pause
  }

  @Override
  int orderSize() {
    return byOrder.size();
  }

  @Override
  int compareAt(int index, long lamport, PeerId origin) {
    int c = Long.compare(byOrder.keyAt(index), lamport);
    return c != 0 ? c : compareOrigin(byOrder.tieAt(index), origin);
  }

  /** By the entry's tie: its author's number here, so the arena is not read. */
  @Override
  public int compareOrigin(int author, PeerId origin) {
    int c = Long.compareUnsigned(prefixes[author], origin.orderPrefix());
    return c != 0 ? c : authors.author(author).compareTo(origin);
  }

  @Override
  public List<ChatMessage> history(int limit) {
    return historyBefore(null, limit);
  }

  @Override
  public List<ChatMessage> historyBefore(ChatMessage before, int limit) {
    int end = byOrder.size();
    if (before != null) {
      end = byOrder.search(before.lamport(), before.origin(), false, this);
      while (end < byOrder.size() && sameKeyLowerSeq(end, before)) {
        end++; // (lamport, origin) ties are ordered by seq, as SQLite orders them
      }
    }
    if (anyHidden()) {
      // walked down past the hidden ones by their ids, read from the order: no message made
      List<ChatMessage> out = new ArrayList<>();
      for (int i = end - 1; i >= 0 && out.size() < limit; i--) {
        if (!isHidden(idAt(i))) {
          out.add(message(addressAt(i)));
        }
      }
      Collections.reverse(out);
      return out;
    }
    int from = end - Math.min(Math.max(limit, 0), end);
    List<ChatMessage> out = new ArrayList<>(end - from);
    for (int i = from; i < end; i++) {
      out.add(message(addressAt(i)));
    }
    return out;
  }

  private boolean sameKeyLowerSeq(int index, ChatMessage before) {
    if (compareAt(index, before.lamport(), before.origin()) != 0) {
      return false;
    }
    return idAt(index).seq() < before.seq();
  }

  @Override
  public Optional<MessageId> predecessor(LamportTimestamp key) {
    int before = byOrder.beforeLastInsert(key.time(), key.origin(), this);
    if (before != OrderBlocks.UNKNOWN) { // the line just stored: no search
      return before == OrderBlocks.NONE ? Optional.empty() : Optional.of(idOfSlot(before));
    }
    int at = byOrder.search(key.time(), key.origin(), false, this);
    return at == 0 ? Optional.empty() : Optional.of(idAt(at - 1));
  }

  @Override
  public List<MessageId> latest(int limit) {
    List<MessageId> out = new ArrayList<>();
    for (int i = byOrder.size() - 1; i >= 0 && out.size() < limit; i--) {
      out.add(idAt(i));
    }
    return out;
  }

  @Override
  public long count() {
    return byOrder.size();
  }
}

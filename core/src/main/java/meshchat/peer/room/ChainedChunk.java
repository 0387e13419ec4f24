package meshchat.peer.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import meshchat.peer.limit.WireBounds;
import meshchat.peer.message.ChainHead;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;
import meshchat.peer.sync.SeqRange;

/**
 * Makes a history chunk self-authenticating: for each run of consecutive messages of one origin it
 * adds the stored signed head nearest above the run's end, extending the run up to that head from
 * the store, so the receiver checks one signature per run (docs/protocol.md, "Hash chain"). An
 * author signs at least every {@link Room#HEAD_EVERY_MESSAGES} messages or {@link
 * Room#HEAD_EVERY_BYTES} of text, which bounds the extension. A run for which no head is stored
 * (history from before chains, or the simulation) goes without: a receiver that checks chains drops
 * or refuses it, as it always has for unsigned history.
 */
final class ChainedChunk {
  /**
   * Most messages a run is extended by to reach its head: an honest author signs at least every
   * {@link Room#HEAD_EVERY_MESSAGES}, and a receiver holds at most 4,096 live ones without a head.
   */
  static final int MAX_EXTENSION = 4_096;

  /**
   * Most bytes (by {@link ChatMessage#frameBytesBound}, and {@link #HEAD_BYTES_BOUND} a head) of a
   * whole batch, runs, extensions and heads: seven eighths of the 1 MiB frame limit, the rest left
   * for the frame's own fields. Each run's bound alone let a chunk of several runs whose stored
   * heads lie far above them (heads a busy receiver skipped) add up past the limit, and the other
   * end closed the link with FRAME_TOO_LARGE on every retry. A batch also holds at most {@link
   * WireBounds#MAX_BATCH_MESSAGES} messages, the receiver's bound: short lines pass it well within
   * the bytes, and the other end closed the link with INVALID_MESSAGE on every retry. A batch's
   * first run always fits, unless its head is too far above for any frame, so every request makes
   * progress. (Until session 21 this counted {@link ChatMessage#approxBytes}, 3 bytes a character,
   * with 768 KiB for the messages and nothing for the heads.)
   */
  static final long MAX_BATCH_BYTES = 896 * 1024;

  /** Most bytes of one run with its extension: any run that fits a batch alone. */
  static final long MAX_RUN_BYTES = MAX_BATCH_BYTES;

  /**
   * A bound on one head's bytes in a frame: origin (up to 64 bytes), seq, hash, signature and key,
   * with their tags and length prefixes.
   */
  static final long HEAD_BYTES_BOUND = 224;

  private ChainedChunk() {}

  private static long bytes(List<ChatMessage> out, int from) {
    long n = 0;
    for (int k = from; k < out.size(); k++) {
      n += out.get(k).frameBytesBound();
    }
    return n;
  }

  /**
   * The bytes of {@code out} from {@code from} on, whose first {@code known} messages are {@code
   * chunk}'s from {@code at}, with their bounds in {@code bounds} (aligned with {@code chunk}; null
   * if not given): those are not counted again.
   */
  private static long bytes(List<ChatMessage> out, int from, long[] bounds, int at, int known) {
    if (bounds == null) {
      return bytes(out, from);
    }
    long n = 0;
    for (int k = 0; k < known; k++) {
      n += bounds[at + k];
    }
    return n + bytes(out, from + known);
  }

  /**
   * Each message's {@link ChatMessage#frameBytesBound}, in order. A bound is a text's and a nick's
   * UTF-8 length, which without C2 (a peer's JIT) is a scan and a copy of each: an answer counted
   * every message three times (read, answer, batch): with the frame writer's own encoding, about a
   * tenth of the answering room thread's CPU in a catch-up of 100-byte lines (docs/benchmarks.md,
   * session 31). Counted once, they travel with the answer.
   */
  static long[] bounds(List<ChatMessage> messages) {
    long[] out = new long[messages.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = messages.get(k).frameBytesBound();
    }
    return out;
  }

  /**
   * Sends {@code answer} (grouped by origin, each origin's messages by seq) to {@code to} as
   * batches of request id {@code requestId} and at most {@code maxBytes} of messages each (by
   * {@link ChatMessage#frameBytesBound}), the last one marked done. Sync answers and Graft replies
   * both go this way. An answer that fits one frame goes as one. A larger one is cut into slices of
   * time (canonical order), not by origin: frames cut origin after origin carried one author's
   * messages first, each waiting at the receiver for the other authors' earlier ones in a later
   * frame, until the receiver's hold-back budget refused them (docs/benchmarks.md, session 21).
   * Each frame's messages are grouped by origin as {@link #batch} takes them, the origins in the
   * order of their earliest message in the frame. A run that a frame extends up to its head is not
   * sent again by a later frame; a run a frame leaves out because the extensions filled it leads
   * the next frame (its origin first, so it fits), and the last frame is the one after which
   * nothing is left. Cut up front into fixed slices, the runs a frame left out were never sent: the
   * authors' later lines waited for them, and a catch-up of 5,000 lines of 1,000 bytes crossed the
   * wire 31 times over, or stalled (session 21). Until session 22 Graft replies still went in fixed
   * chunks.
   */
  static void answer(
      MessageStore store,
      RoomEffects effects,
      PeerId to,
      long requestId,
      List<ChatMessage> answer,
      long maxBytes) {
    answer(store, effects, to, requestId, answer, maxBytes, Integer.MAX_VALUE);
  }

  /**
   * As above, in at most {@code maxFrames} frames: the earliest of the answer in canonical order;
   * the last frame sent says done, and the asker asks again for the rest. Returns how many messages
   * the frames carried (the runs' extensions included).
   */
  static int answer(
      MessageStore store,
      RoomEffects effects,
      PeerId to,
      long requestId,
      List<ChatMessage> answer,
      long maxBytes,
      int maxFrames) {
    return answer(store, effects, to, requestId, answer, bounds(answer), maxBytes, maxFrames);
  }

  /**
   * As above, with each message's {@link ChatMessage#frameBytesBound} given in {@code bounds}
   * (aligned with {@code answer}, as {@link #bounds} makes them): the caller that read the answer
   * already counted them, and an answer that fits one frame counts none again.
   */
  static int answer(
      MessageStore store,
      RoomEffects effects,
      PeerId to,
      long requestId,
      List<ChatMessage> answer,
      long[] bounds,
      long maxBytes,
      int maxFrames) {
    if (bounds.length != answer.size()) {
      throw new IllegalArgumentException(
          bounds.length + " bounds for an answer of " + answer.size() + " messages");
    }
    int frames = 0;
    int carriedOut = 0;
    long total = 0;
    for (long b : bounds) {
      total += b;
    }
    if (total <= maxBytes) {
      List<ChatMessage> leftOut = new ArrayList<>();
      SyncBatch one = batch(store, requestId, answer, true, leftOut, bounds);
      if (leftOut.isEmpty()) {
        effects.send(to, one);
        return one.messages().size();
      }
      // the runs' extensions up to their heads took the frame past its bound: what it left out
      // goes in the next frames
    }
    List<ChatMessage> byTime = new ArrayList<>(answer);
    byTime.sort(ChatMessage.CANONICAL);
    Map<PeerId, Long> sentThrough = new HashMap<>(); // what an earlier frame's extensions carried
    List<ChatMessage> carried = new ArrayList<>(); // left out by the last frame: leads the next
    int next = 0;
    while (true) {
      List<ChatMessage> chunk = new ArrayList<>(carried);
      long bytes = 0;
      for (ChatMessage m : carried) {
        bytes += m.frameBytesBound();
      }
      while (next < byTime.size()) {
        ChatMessage m = byTime.get(next);
        Long through = sentThrough.get(m.origin());
        if (through != null && m.seq() <= through) {
          next++;
          continue;
        }
        long size = m.frameBytesBound();
        if (!chunk.isEmpty() && bytes + size > maxBytes) {
          break;
        }
        chunk.add(m);
        bytes += size;
        next++;
      }
      List<ChatMessage> leftOut = new ArrayList<>();
      SyncBatch batch = batch(store, requestId, byOrigin(chunk), false, leftOut);
      for (ChainHead h : batch.heads()) {
        sentThrough.merge(h.origin(), h.seq(), Math::max);
      }
      carried = new ArrayList<>(leftOut.size());
      if (!leftOut.isEmpty()) {
        // an earlier run of its origin may have been extended over it; a later run's head (after
        // a gap in the answer) says nothing about it
        Set<MessageId> sent = new HashSet<>();
        for (ChatMessage m : batch.messages()) {
          sent.add(m.id());
        }
        for (ChatMessage m : leftOut) {
          if (!sent.contains(m.id())) {
            carried.add(m);
          }
        }
      }
      // every frame takes at least its first run (or drops it, if no frame can hold it), so the
      // carried runs shrink and this ends
      boolean last = next == byTime.size() && carried.isEmpty() || ++frames >= maxFrames;
      carriedOut += batch.messages().size();
      if (last) {
        effects.send(to, new SyncBatch(requestId, batch.messages(), true, batch.heads()));
        return carriedOut;
      }
      if (!batch.messages().isEmpty()) {
        effects.send(to, batch);
      }
    }
  }

  /**
   * {@code chunk} (in canonical order) grouped by origin, each origin's messages by seq, the
   * origins in the order of their first message: runs a frame left out, carried to the lead of the
   * next, are taken first there.
   */
  private static List<ChatMessage> byOrigin(List<ChatMessage> chunk) {
    Map<PeerId, List<ChatMessage>> groups = new LinkedHashMap<>();
    for (ChatMessage m : chunk) {
      groups.computeIfAbsent(m.origin(), o -> new ArrayList<>()).add(m);
    }
    List<ChatMessage> out = new ArrayList<>(chunk.size());
    for (List<ChatMessage> g : groups.values()) {
      g.sort(Comparator.comparingLong(ChatMessage::seq));
      out.addAll(g);
    }
    return out;
  }

  static SyncBatch batch(
      MessageStore store, long requestId, List<ChatMessage> chunk, boolean done) {
    return batch(store, requestId, chunk, done, new ArrayList<>());
  }

  /**
   * As {@link #batch(MessageStore, long, List, boolean)}; adds to {@code leftOut} the runs of
   * {@code chunk} left out only because the batch was full (in bytes or messages): each would fit a
   * batch of its own, so the caller sends it in the next one. A run whose head is too far above for
   * any frame is not added: no frame can carry it.
   */
  static SyncBatch batch(
      MessageStore store,
      long requestId,
      List<ChatMessage> chunk,
      boolean done,
      List<ChatMessage> leftOut) {
    return batch(store, requestId, chunk, done, leftOut, null);
  }

  /**
   * As above, with {@code chunk}'s bounds in {@code bounds} (aligned with it), or null to count
   * them here.
   */
  private static SyncBatch batch(
      MessageStore store,
      long requestId,
      List<ChatMessage> chunk,
      boolean done,
      List<ChatMessage> leftOut,
      long[] bounds) {
    List<ChatMessage> out = new ArrayList<>(chunk.size());
    List<ChainHead> heads = new ArrayList<>();
    PeerId coveredOrigin = null;
    long coveredTo = 0; // a run's extension up to its head may already hold what follows it
    long batchBytes = 0;
    int i = 0;
    while (i < chunk.size()) {
      if (chunk.get(i).origin().equals(coveredOrigin) && chunk.get(i).seq() <= coveredTo) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < chunk.size()
          && chunk.get(j + 1).origin().equals(chunk.get(i).origin())
          && chunk.get(j + 1).seq() == chunk.get(j).seq() + 1) {
        j++;
      }
      int runStart = out.size();
      out.addAll(chunk.subList(i, j + 1));
      ChatMessage last = chunk.get(j);
      Optional<ChainHead> head = store.headAtOrAfter(last.origin(), last.seq());
      long runBytes = 0;
      int runEnd = j; // the whole run's last index: j may be cut below it
      boolean fitsAlone =
          head.isPresent()
              && head.get().seq() - last.seq() <= MAX_EXTENSION
              && extend(store, last, head.get(), out)
              && (runBytes = bytes(out, runStart, bounds, i, j + 1 - i) + HEAD_BYTES_BOUND)
                  <= MAX_RUN_BYTES
              && out.size() - runStart <= WireBounds.MAX_BATCH_MESSAGES;
      if (!fitsAlone && j > i) {
        // Too long for any frame with its extension: cut it at the first head stored inside it
        // and take the part below as a run of its own (it ends at that head: no extension); the
        // rest is the next run, cut again if need be. Dropped whole, a gap of ~1,150 lines of 100
        // bytes with four deps each (their run up to the head above: past a frame) was answered
        // with an empty batch at every ask, forever (a throughput run at load 15 stalled so,
        // session 32: TinyHoldBackConvergenceTest, LongRunAnswerTest).
        ChatMessage first = chunk.get(i);
        Optional<ChainHead> inner = store.headAtOrAfter(first.origin(), first.seq());
        if (inner.isPresent() && inner.get().seq() < last.seq()) {
          out.subList(runStart, out.size()).clear();
          j = i + (int) (inner.get().seq() - first.seq());
          out.addAll(chunk.subList(i, j + 1));
          head = inner;
          runBytes = bytes(out, runStart, bounds, i, j + 1 - i) + HEAD_BYTES_BOUND;
          fitsAlone =
              runBytes <= MAX_RUN_BYTES && out.size() - runStart <= WireBounds.MAX_BATCH_MESSAGES;
        }
      }
      if (fitsAlone
          && batchBytes + runBytes <= MAX_BATCH_BYTES
          && out.size() <= WireBounds.MAX_BATCH_MESSAGES) {
        heads.add(head.get());
        coveredOrigin = last.origin();
        coveredTo = head.get().seq();
        batchBytes += runBytes;
      } else if (head.isPresent()) {
        // the nearest head is too far above for one frame (an author that signed too seldom:
        // hostile, or history from a peer killed mid-backlog before it re-signed its tail), or
        // this run would take the batch past it, in bytes or in messages (short lines: 768 KiB
        // holds ~7,000, the receiver takes 4,096): the run stays out, as a run with no head does
        // (asked for again, it leads a batch of its own). The link must not carry a frame its
        // other end refuses, on every retry.
        // A run that fits a frame alone but not this one is the caller's to send next: left out
        // of a fixed slice and not carried on, it was never sent, the author's later lines in the
        // next frames waited for it, and a catch-up of long lines crossed the wire 30 times over
        // (session 21).
        out.subList(runStart, out.size()).clear();
        if (fitsAlone) {
          // with the rest of its run, if it was cut: a later part sent ahead of it would wait
          leftOut.addAll(chunk.subList(i, runEnd + 1));
        }
        j = runEnd; // what follows it in its run is left out with it, as before any cut
      } else {
        batchBytes += bytes(out, runStart, bounds, i, j + 1 - i);
      }
      i = j + 1;
    }
    return new SyncBatch(requestId, out, done, heads);
  }

  /** Appends the stored messages between {@code last} and the head; false if any is missing. */
  private static boolean extend(
      MessageStore store, ChatMessage last, ChainHead head, List<ChatMessage> out) {
    if (head.seq() == last.seq()) {
      return true;
    }
    long first = last.seq() + 1;
    int n = (int) Math.min(Integer.MAX_VALUE, head.seq() - last.seq());
    List<ChatMessage> more = store.range(last.origin(), new SeqRange(first, head.seq()), n);
    if (more.size() != n) {
      return false;
    }
    out.addAll(more);
    return true;
  }
}

package meshchat.peer.room;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;
import meshchat.peer.message.ChatMessage;

/**
 * One author's lines shown early, by seq ({@link EarlyLines}): lines come in seq order and the
 * usual path takes them in seq order, so an add is an append and a take a cut of the front, in two
 * arrays and a window; a {@code TreeMap<Long, ChatMessage>} made an entry and a boxed seq per line
 * and rebalanced on every add and take (a twentieth of the room threads' samples in the throughput
 * cell, docs/benchmarks.md, session 22). One out of order is placed by binary search. Room thread
 * only.
 */
final class LinesBySeq {
  private long[] seqs = new long[16];
  private ChatMessage[] lines = new ChatMessage[16];
  private int start; // the window [start, end) holds the lines, seqs ascending
  private int end;

  int size() {
    return end - start;
  }

  boolean isEmpty() {
    return start == end;
  }

  /** The line at {@code seq}, or null. */
  ChatMessage get(long seq) {
    int i = find(seq);
    return i >= 0 ? lines[i] : null;
  }

  /** Puts {@code line} at {@code seq}, replacing any there. */
  void put(long seq, ChatMessage line) {
    if (start == end || seq > seqs[end - 1]) {
      room();
      seqs[end] = seq;
      lines[end++] = line;
      return;
    }
    int i = find(seq);
    if (i >= 0) {
      lines[i] = line;
      return;
    }
    room(); // may move the window: find the place again
    int at = -find(seq) - 1;
    System.arraycopy(seqs, at, seqs, at + 1, end - at);
    System.arraycopy(lines, at, lines, at + 1, end - at);
    seqs[at] = seq;
    lines[at] = line;
    end++;
  }

  /** Removes and returns the line at {@code seq}, or null. */
  ChatMessage remove(long seq) {
    int i = find(seq);
    if (i < 0) {
      return null;
    }
    ChatMessage line = lines[i];
    if (i == start) {
      lines[start++] = null;
    } else {
      System.arraycopy(seqs, i + 1, seqs, i, end - i - 1);
      System.arraycopy(lines, i + 1, lines, i, end - i - 1);
      lines[--end] = null;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
    return line;
  }

  /**
   * Removes each line at or below {@code seq} that {@code keep} does not keep, handing it to {@code
   * removed}, in seq order; returns how many were removed.
   */
  int removeThrough(long seq, Predicate<ChatMessage> keep, Consumer<ChatMessage> removed) {
    int to = start; // where the next kept line goes
    int i = start;
    for (; i < end && seqs[i] <= seq; i++) {
      if (keep.test(lines[i])) {
        seqs[to] = seqs[i];
        lines[to++] = lines[i];
      } else {
        removed.accept(lines[i]);
      }
    }
    int n = i - to;
    if (n > 0) {
      System.arraycopy(seqs, i, seqs, to, end - i);
      System.arraycopy(lines, i, lines, to, end - i);
      Arrays.fill(lines, end - n, end, null);
      end -= n;
      if (start == end) {
        start = 0;
        end = 0;
      }
    }
    return n;
  }

  /** Hands each line to {@code each}, in seq order. */
  void forEach(Consumer<ChatMessage> each) {
    for (int i = start; i < end; i++) {
      each.accept(lines[i]);
    }
  }

  /** Puts every line of {@code other} here, each replacing any at its seq. */
  void putAll(LinesBySeq other) {
    for (int i = other.start; i < other.end; i++) {
      put(other.seqs[i], other.lines[i]);
    }
  }

  /** The index of {@code seq} in the window, or {@code -(insertion point) - 1}. */
  private int find(long seq) {
    return Arrays.binarySearch(seqs, start, end, seq);
  }

  /** Makes room for one more line at the end: moves the window down, or grows. */
  private void room() {
    if (end < seqs.length) {
      return;
    }
    int n = end - start;
    if (start > 0 && n <= seqs.length / 2) {
      System.arraycopy(seqs, start, seqs, 0, n);
      System.arraycopy(lines, start, lines, 0, n);
      Arrays.fill(lines, n, end, null);
    } else {
      long[] s = new long[seqs.length * 2];
      ChatMessage[] v = new ChatMessage[seqs.length * 2];
      System.arraycopy(seqs, start, s, 0, n);
      System.arraycopy(lines, start, v, 0, n);
      seqs = s;
      lines = v;
    }
    start = 0;
    end = n;
  }
}

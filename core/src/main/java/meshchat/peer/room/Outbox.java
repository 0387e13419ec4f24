package meshchat.peer.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.sync.SeqSet;

/**
 * The path of this peer's own messages: checked, then authored, durable, shown, sent, in that
 * order.
 *
 * <p><b>Durable before shown, shown before sent.</b> An authored message is staged in the store and
 * waits here until the runtime reports that the commit covering it is done ({@link #durable}); only
 * then is it shown and put on the wire. A burst of lines asks for one commit (group commit), and
 * the request does not depend on any frame being queued, so a peer with no links commits too. A
 * runtime that fsyncs after the commit, off the room thread, splits the report in two: {@link
 * #committed} marks what the commit covered, {@link #durableThrough} publishes it once the fsync is
 * done; lines typed meanwhile wait for a later commit.
 *
 * <p><b>The self-fork guard.</b> A data dir restored from an old backup (or a wiped one with the
 * identity kept) knows fewer of its own messages than the room holds; authoring at once would reuse
 * a seq the room has, a fork. So the first message after a start waits until the first complete
 * digest of a neighbour says what the room holds of our origin. If it holds more, those messages
 * are pulled back by anti-entropy (the room's usual path, which also moves our seq past them) and
 * authoring continues after them. With no neighbour linked within {@link #OFFLINE_GRACE_MS} and
 * nobody being reached ({@link Hooks#reaching}: no dial under way, discovery answered), or as soon
 * as discovery finds nobody to ask ({@link Room#nobodyToAsk}), the peer is offline and authors at
 * once. A dial still under way when the grace ends (a loaded machine, a slow handshake) is waited
 * for: calling the peer offline then would author over seqs the neighbour it is reaching may hold.
 * Whatever happens, it waits at most {@link #MAX_WAIT_MS}.
 */
final class Outbox {
  /** With no link up this long after start, the peer counts as offline and authors at once. */
  static final long OFFLINE_GRACE_MS = 1_500;

  /** After the grace, how often a peer still reaching a neighbour looks again. */
  static final long RECHECK_MS = 250;

  /** The longest the first message waits for the check (a silent or lying neighbour). */
  static final long MAX_WAIT_MS = 15_000;

  /** What the room does for us: stamp and stage a message; show and send a durable one. */
  interface Hooks {
    /** A line of {@code text}, or with {@code kind} NICK a change of nick to {@code text}. */
    ChatMessage author(String text, ChatMessage.Kind kind);

    /**
     * Shows and sends {@code messages}, one commit's own messages in order: a burst's, published
     * together so that what is told once per burst (the "seen by" counts, the links' announcement)
     * is worked out once, not once per message.
     */
    void publish(List<ChatMessage> messages);

    /** Whether any link is up now. */
    boolean linked();

    /**
     * Whether the peer is still reaching for a neighbour: a dial under way, or discovery not yet
     * answered. While it is, the peer does not count as offline.
     */
    boolean reaching();

    /** What the room holds of its own origin now. */
    SeqSet ownHeld();
  }

  private record Pending(String text, ChatMessage.Kind kind, Consumer<ChatMessage> authored) {}

  private record Committed(long number, List<ChatMessage> messages) {}

  private final Hooks hooks;
  private final RoomEffects effects;
  private final Scheduler scheduler;
  private final ArrayDeque<Pending> unauthored = new ArrayDeque<>();
  private final List<ChatMessage> staged = new ArrayList<>();
  // committed, waiting for their fsync, oldest first: each commit's messages under its number
  private final ArrayDeque<Committed> syncing = new ArrayDeque<>();
  // the deps those messages name: a line authored while they wait for their fsync follows them
  // (its prev is the last of them), so naming these again would say nothing new (session 21: the
  // SQLite throughput cell's messages carried 2.5 deps where the memory cell's carried 2.1)
  private final Set<MessageId> namedBySyncing = new HashSet<>();
  private long commits; // commits that covered own messages, numbered from 1
  private boolean commitAsked;
  private boolean checked;
  private SeqSet claimed; // own seqs a neighbour's digest named that we lacked
  private long recovered; // own messages taken back from the room before the check ended
  private long startedAt;
  private Scheduler.Cancellable timer;

  Outbox(Hooks hooks, RoomEffects effects, Scheduler scheduler) {
    this.hooks = hooks;
    this.effects = effects;
    this.scheduler = scheduler;
  }

  void start(boolean newIdentity) {
    if (newIdentity) {
      checked = true; // a key made just now has authored nothing anywhere
      return;
    }
    startedAt = scheduler.nowMillis();
    timer = scheduler.schedule(OFFLINE_GRACE_MS, this::graceOver);
  }

  void stop() {
    if (timer != null) {
      timer.cancel();
    }
  }

  /**
   * A line typed by the user: authored now (returned) or, before the check, queued (null), to be
   * authored in typing order once the check ends; {@code authored} hears the message either way.
   */
  ChatMessage submit(String text, ChatMessage.Kind kind, Consumer<ChatMessage> authored) {
    if (!checked || !unauthored.isEmpty()) {
      unauthored.add(new Pending(text, kind, authored));
      return null;
    }
    ChatMessage m = stage(text, kind);
    authored.accept(m);
    return m;
  }

  private ChatMessage stage(String text, ChatMessage.Kind kind) {
    ChatMessage m = hooks.author(text, kind);
    staged.add(m);
    if (!commitAsked) {
      commitAsked = true;
      effects.commit();
    }
    return m;
  }

  /** The runtime's report: everything staged so far is durable. Show it, then send it. */
  void durable() {
    durableThrough(committed());
  }

  /**
   * The runtime's report that the commit asked for is done but not yet fsynced: what was staged is
   * set aside under the returned number (0 if nothing was), to be published by {@link
   * #durableThrough} once durable; a line staged from now on asks for a commit of its own.
   */
  long committed() {
    commitAsked = false;
    if (staged.isEmpty()) {
      return 0;
    }
    syncing.add(new Committed(++commits, List.copyOf(staged)));
    for (ChatMessage m : staged) {
      namedBySyncing.addAll(m.deps());
    }
    staged.clear();
    return commits;
  }

  /** Every commit up to number {@code n} is durable: show and send their messages, in order. */
  void durableThrough(long n) {
    while (!syncing.isEmpty() && syncing.peek().number() <= n) {
      List<ChatMessage> done = syncing.poll().messages();
      forget(done);
      hooks.publish(done);
    }
  }

  /**
   * Deps already named by own messages committed and waiting for their fsync: a line authored now
   * follows them, so it need not name these (the room leaves them out of its deps).
   */
  Set<MessageId> namedBySyncing() {
    return namedBySyncing;
  }

  /** {@code done} left the messages waiting for an fsync: their deps are no longer implied. */
  private void forget(List<ChatMessage> done) {
    if (syncing.isEmpty()) {
      namedBySyncing.clear();
      return;
    }
    for (ChatMessage m : done) {
      m.deps().forEach(namedBySyncing::remove);
    }
  }

  /**
   * The fsync after the commits up to number {@code n} failed: their messages are in the store but
   * may not survive a power cut, so they are not shown or sent now (a restart finds them in the
   * store, as after a crash between commit and display). Returns them.
   */
  List<ChatMessage> syncFailedThrough(long n) {
    List<ChatMessage> dropped = new ArrayList<>();
    while (!syncing.isEmpty() && syncing.peek().number() <= n) {
      List<ChatMessage> failed = syncing.poll().messages();
      forget(failed);
      dropped.addAll(failed);
    }
    return dropped;
  }

  /** The commit failed and rolled back: what was staged is dropped, never shown or sent. */
  List<ChatMessage> commitFailed() {
    commitAsked = false;
    List<ChatMessage> dropped = List.copyOf(staged);
    staged.clear();
    return dropped;
  }

  /** Own messages staged or committed and not yet reported durable (for status and tests). */
  int stagedCount() {
    return staged.size() + syncing.stream().mapToInt(c -> c.messages().size()).sum();
  }

  /** Whether any own message is staged or committed and not yet reported durable. */
  boolean inFlight() {
    return !staged.isEmpty() || !syncing.isEmpty();
  }

  /** Lines typed before the check ended, not yet authored. */
  int waitingCount() {
    return unauthored.size();
  }

  boolean checked() {
    return checked;
  }

  // ---- the self-fork guard ----

  /** A neighbour's complete digest: {@code theirs} is what it holds of our origin (or null). */
  void onCompleteDigest(SeqSet theirs) {
    if (checked || claimed != null) {
      return;
    }
    SeqSet mine = hooks.ownHeld();
    if (theirs == null || mine.missingFrom(theirs).isEmpty()) {
      finish();
      return;
    }
    claimed = theirs; // anti-entropy is asking for them on the same digest
  }

  /** One of our own messages came back from the room (stored now). */
  void onOwnRecovered() {
    if (checked) {
      return;
    }
    recovered++;
    if (claimed != null && hooks.ownHeld().missingFrom(claimed).isEmpty()) {
      finish();
    }
  }

  /** Discovery says nobody can be reached: offline, so no need to wait out the grace. */
  void nobodyToAsk() {
    if (!checked && claimed == null && !hooks.linked()) {
      finish();
    }
  }

  private void graceOver() {
    if (checked) {
      return;
    }
    long left = startedAt + MAX_WAIT_MS - scheduler.nowMillis();
    if (!hooks.linked() && claimed == null) {
      if (left > 0 && hooks.reaching()) {
        timer = scheduler.schedule(Math.min(RECHECK_MS, left), this::graceOver);
        return;
      }
      finish(); // offline: nobody to ask, and a chat that cannot be used alone is no chat
      return;
    }
    left = Math.max(1, left);
    timer = scheduler.schedule(left, this::finish);
  }

  private void finish() {
    if (checked) {
      return;
    }
    checked = true;
    claimed = null;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    if (recovered > 0) {
      effects.notice(new RoomNotice.OwnRecovered(recovered, hooks.ownHeld().max()));
    }
    while (!unauthored.isEmpty()) {
      Pending p = unauthored.poll();
      p.authored().accept(stage(p.text(), p.kind()));
    }
  }
}

package meshchat.tracker.directory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import meshchat.peer.message.PeerId;
import meshchat.tracker.directory.RegisterOutcome.Accepted;
import meshchat.tracker.directory.RegisterOutcome.Refusal;
import meshchat.tracker.directory.RegisterOutcome.Refused;
import meshchat.tracker.directory.RoomEvent.LeaveReason;
import meshchat.wire.SourceKey;

/**
 * Rooms and their members, each registration owned by a session and alive until its session
 * unregisters it, closes, stops heartbeating for longer than the TTL, or lets its signed statement
 * run out ({@link Member#STATEMENT_LIFETIME}) without registering again.
 *
 * <p>Not thread-safe by design: one thread owns it (the tracker's directory thread), so it needs no
 * locks. Time comes only from the injected clock, so tests never sleep. Every mutating call returns
 * the {@link Change}s to push; the caller only routes them.
 *
 * <p>Whom it names is bounded: an answer (to a registration or a lookup) names at most {@link
 * #MAX_NAMED} members, drawn uniformly at random, and a join is pushed to at most that many
 * members, also drawn at random. A room that fits in one answer (up to 33 peers) is named whole; a
 * bigger one is found through a sample, and the peers' membership (forward-joins, shuffles) spreads
 * the rest. So an answer is bounded in bytes whatever the room's size, and a storm of N joins costs
 * O(N) pushes, not O(N^2).
 */
public final class Directory {
  /** Most members named in one answer, and most members a join is pushed to. */
  public static final int MAX_NAMED = 32;

  /**
   * A registration's newer statement (signed afresh, another nick or address) is pushed to the room
   * at most once in this long; one made sooner waits, and the latest then goes out on the next
   * expiry tick (rev31 FINDING-2: a session re-registering ten times a second had every statement
   * pushed to up to 32 members, each a signature to check). Lookups always answer the latest.
   */
  public static final long RESTATE_GAP_MILLIS = 10_000;

  private final InstantSource clock;
  private final RandomGenerator random;
  private final Limits limits;
  private final long ttlMillis;
  // room -> peer -> entry; insertion order keeps member lists stable for readers
  private final Map<String, Map<PeerId, Entry>> rooms = new HashMap<>();
  // session -> room -> entry: what a heartbeat refreshes and a close removes
  private final Map<SessionId, Map<String, Entry>> sessions = new HashMap<>();
  private int registrations;
  // what each source address and each key holds: the bounds that keep one outsider from filling
  // a room, or every room, with keys it made up
  private final Map<String, Map<String, Integer>> byAddress = new HashMap<>(); // address -> room
  private final Map<PeerId, Integer> roomsByKey = new HashMap<>();
  // room -> its members by network (IPv6 /48, IPv4 /24): who makes room when it is full
  private final Map<String, PrefixShares<Entry>> sharesByRoom = new HashMap<>();
  // rooms by the network of the registration that started each (rev30 FINDING-10): a full room
  // table makes room for a newcomer's new room from a less represented network
  private final PrefixShares<String> roomsByNetwork = new PrefixShares<>();
  // registrations with a statement the room has not been told of yet, oldest first
  private final Set<Entry> restated = new LinkedHashSet<>();

  private static final class Entry {
    final SessionId session;
    final String room;
    final String address; // the source key it registered from; null if unknown
    final String group; // the network it registered from (PrefixShares.group); null if unknown
    Member member;
    long expiresAtMillis;
    long pushedAtMillis; // when the room was last told of this registration
    boolean restated; // a newer statement the room has not been told of yet

    Entry(
        SessionId session,
        String room,
        String address,
        String group,
        Member member,
        long expiresAtMillis) {
      this.session = session;
      this.room = room;
      this.address = address;
      this.group = group;
      this.member = member;
      this.expiresAtMillis = expiresAtMillis;
    }
  }

  /** With a fixed seed: for tests that do not look at which members a Lookup samples. */
  public Directory(InstantSource clock, Limits limits) {
    this(clock, limits, new SplittableRandom(0));
  }

  /** With the generator the samples are drawn from ({@code TrackerConfig.seed}). */
  public Directory(InstantSource clock, Limits limits, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
    this.limits = limits;
    this.ttlMillis = limits.ttl().toMillis();
  }

  /**
   * Registers {@code member} in {@code room} for {@code session}. Re-registering the same peer id
   * from the same session is an idempotent refresh (and an update, if nick or address changed).
   */
  public RegisterOutcome register(SessionId session, String room, Member member) {
    return register(session, room, member, null);
  }

  /**
   * As above, from source address {@code address} (null: unknown, no per-address bound), which the
   * per-address bounds count against: by its {@link SourceKey}, so the addresses of one IPv6 /64
   * count as one. A full room makes room for a newcomer from a network ({@link PrefixShares#group},
   * an IPv6 /48 or IPv4 /24) holding at least two members fewer than the most represented one: that
   * network's youngest registration is dropped ({@link LeaveReason#EVICTED}, pushed to the room and
   * to its owner, in {@link Accepted#evicted}).
   */
  public RegisterOutcome register(
      SessionId session, String room, Member member, String sourceAddress) {
    String address = sourceAddress == null ? null : SourceKey.text(sourceAddress);
    String group = sourceAddress == null ? null : PrefixShares.group(sourceAddress);
    long expiresAt = clock.millis() + ttlMillis;
    Map<PeerId, Entry> members = rooms.get(room);
    Entry existing = members == null ? null : members.get(member.peerId());
    if (existing != null && !existing.session.equals(session)) {
      return new Refused(
          Refusal.PEER_ID_IN_USE,
          "peer id " + member.peerId().shortHex() + " is held by another session in " + room);
    }
    Map<String, Entry> own = sessions.get(session);
    Entry mine = own == null ? null : own.get(room);
    if (existing != null) {
      existing.expiresAtMillis = expiresAt;
      if (existing.member.equals(member)) {
        return new Accepted(member, othersIn(members, member.peerId()), Optional.empty());
      }
      existing.member = member;
      long now = clock.millis();
      if (now - existing.pushedAtMillis < RESTATE_GAP_MILLIS) {
        // told of again by expire() once the gap has passed, with whatever statement is latest
        existing.restated = true;
        restated.add(existing);
        return new Accepted(member, othersIn(members, member.peerId()), Optional.empty());
      }
      existing.pushedAtMillis = now;
      existing.restated = false;
      restated.remove(existing);
      return new Accepted(
          member,
          othersIn(members, member.peerId()),
          Optional.of(change(new RoomEvent.Joined(room, member, session), members, session)));
    }
    if (mine != null) {
      return new Refused(
          Refusal.ALREADY_REGISTERED,
          "this session is in " + room + " as " + mine.member.peerId().shortHex() + " already");
    }
    if (own != null && own.size() >= limits.maxRegistrationsPerSession()) {
      return new Refused(
          Refusal.SESSION_LIMIT,
          "a session may hold at most " + limits.maxRegistrationsPerSession() + " registrations");
    }
    Refused bound = perAddressOrKey(room, member.peerId(), address);
    List<Change> evicted = new ArrayList<>();
    if (members == null && rooms.size() >= limits.maxRooms()) {
      String victimRoom = bound != null || group == null ? null : roomsByNetwork.victimFor(group);
      if (victimRoom == null) {
        return new Refused(
            Refusal.ROOM_LIMIT, "the tracker holds its maximum of " + limits.maxRooms() + " rooms");
      }
      // the youngest room the most represented network started goes, each member told EVICTED
      for (Entry e : new ArrayList<>(rooms.get(victimRoom).values())) {
        evicted.add(remove(e, LeaveReason.EVICTED, true));
      }
    }
    if (members != null && members.size() >= limits.maxPeersPerRoom()) {
      Entry victim =
          bound != null || group == null ? null : sharesByRoom.get(room).victimFor(group);
      if (victim == null) {
        return new Refused(
            Refusal.ROOM_FULL,
            room + " holds its maximum of " + limits.maxPeersPerRoom() + " peers");
      }
      evicted.add(remove(victim, LeaveReason.EVICTED, true));
      members = rooms.get(room); // null if the victim was its only member (a room of one)
    }
    if (bound != null) {
      return bound;
    }
    if (members == null) {
      members = new LinkedHashMap<>();
      rooms.put(room, members);
      if (group != null) {
        roomsByNetwork.add(room, group);
      }
    }
    List<Member> others = othersIn(members, member.peerId());
    Entry entry = new Entry(session, room, address, group, member, expiresAt);
    entry.pushedAtMillis = clock.millis();
    members.put(member.peerId(), entry);
    if (group != null) {
      sharesByRoom.computeIfAbsent(room, r -> new PrefixShares<>()).add(entry, group);
    }
    sessions.computeIfAbsent(session, s -> new HashMap<>()).put(room, entry);
    registrations++;
    roomsByKey.merge(member.peerId(), 1, Integer::sum);
    if (address != null) {
      byAddress.computeIfAbsent(address, a -> new HashMap<>()).merge(room, 1, Integer::sum);
    }
    return new Accepted(
        member,
        others,
        Optional.of(change(new RoomEvent.Joined(room, member, session), members, session)),
        evicted);
  }

  /** Removes this session's registration in {@code room}; empty if it had none. */
  public Optional<Change> unregister(SessionId session, String room) {
    Map<String, Entry> own = sessions.get(session);
    Entry entry = own == null ? null : own.get(room);
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(remove(entry, LeaveReason.LEFT, false));
  }

  /**
   * The members of {@code room}: all of them in join order if they fit in {@link #MAX_NAMED}, else
   * that many drawn at random; empty for an unknown room.
   */
  public List<Member> lookup(String room) {
    Map<PeerId, Entry> members = rooms.get(room);
    return members == null ? List.of() : othersIn(members, null);
  }

  /** Keeps every registration of {@code session} alive for another TTL. */
  public void heartbeat(SessionId session) {
    Map<String, Entry> own = sessions.get(session);
    if (own != null) {
      long expiresAt = clock.millis() + ttlMillis;
      for (Entry e : own.values()) {
        e.expiresAtMillis = expiresAt;
      }
    }
  }

  /**
   * Removes every registration whose TTL or signed statement has run out at the clock's now. Its
   * own session is told too, so a live session that missed heartbeats (or did not sign afresh)
   * learns it must register again.
   */
  public List<Change> expire() {
    long now = clock.millis();
    List<Entry> due = new ArrayList<>();
    for (Map<String, Entry> own : sessions.values()) {
      for (Entry e : own.values()) {
        if (e.expiresAtMillis <= now || e.member.statementExpired(now)) {
          due.add(e);
        }
      }
    }
    List<Change> changes = new ArrayList<>(due.size());
    for (Entry e : due) {
      changes.add(remove(e, LeaveReason.EXPIRED, true));
    }
    for (Iterator<Entry> it = restated.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (now - e.pushedAtMillis >= RESTATE_GAP_MILLIS) {
        it.remove();
        e.restated = false;
        e.pushedAtMillis = now;
        changes.add(
            change(
                new RoomEvent.Joined(e.room, e.member, e.session), rooms.get(e.room), e.session));
      }
    }
    return changes;
  }

  /** Removes every registration of a closed session at once. */
  public List<Change> removeSession(SessionId session) {
    Map<String, Entry> own = sessions.get(session);
    if (own == null) {
      return List.of();
    }
    List<Change> changes = new ArrayList<>(own.size());
    for (Entry e : List.copyOf(own.values())) {
      changes.add(remove(e, LeaveReason.CLOSED, false));
    }
    return changes;
  }

  /** The rooms this session is registered in. */
  public List<String> roomsOf(SessionId session) {
    Map<String, Entry> own = sessions.get(session);
    return own == null ? List.of() : List.copyOf(own.keySet());
  }

  public int roomCount() {
    return rooms.size();
  }

  public int registrationCount() {
    return registrations;
  }

  private Change remove(Entry entry, LeaveReason reason, boolean tellOwner) {
    if (entry.restated) {
      restated.remove(entry);
      entry.restated = false;
    }
    Map<PeerId, Entry> members = rooms.get(entry.room);
    members.remove(entry.member.peerId());
    PrefixShares<Entry> shares = sharesByRoom.get(entry.room);
    if (shares != null) {
      shares.remove(entry);
      if (shares.size() == 0) {
        sharesByRoom.remove(entry.room);
      }
    }
    if (members.isEmpty()) {
      rooms.remove(entry.room);
      roomsByNetwork.remove(entry.room);
    }
    Map<String, Entry> own = sessions.get(entry.session);
    own.remove(entry.room);
    if (own.isEmpty()) {
      sessions.remove(entry.session);
    }
    registrations--;
    roomsByKey.computeIfPresent(entry.member.peerId(), (k, n) -> n == 1 ? null : n - 1);
    if (entry.address != null) {
      Map<String, Integer> held = byAddress.get(entry.address);
      held.computeIfPresent(entry.room, (k, n) -> n == 1 ? null : n - 1);
      if (held.isEmpty()) {
        byAddress.remove(entry.address);
      }
    }
    List<SessionId> recipients = new ArrayList<>(members.size() + 1);
    for (Entry e : members.values()) {
      recipients.add(e.session);
    }
    if (tellOwner) {
      recipients.add(entry.session);
    }
    return new Change(
        new RoomEvent.Left(entry.room, entry.member, entry.session, reason), recipients);
  }

  private Refused perAddressOrKey(String room, PeerId key, String address) {
    if (roomsByKey.getOrDefault(key, 0) >= limits.maxRoomsPerKey()) {
      return new Refused(
          Refusal.KEY_LIMIT,
          "peer id "
              + key.shortHex()
              + " is in its maximum of "
              + limits.maxRoomsPerKey()
              + " rooms");
    }
    Map<String, Integer> held = address == null ? null : byAddress.get(address);
    if (held == null) {
      return null;
    }
    int inRoom = held.getOrDefault(room, 0);
    if (inRoom >= limits.maxRegistrationsPerAddressPerRoom()) {
      return new Refused(
          Refusal.ADDRESS_LIMIT,
          "this address holds its maximum of "
              + limits.maxRegistrationsPerAddressPerRoom()
              + " members of "
              + room);
    }
    if (inRoom == 0 && held.size() >= limits.maxRoomsPerAddress()) {
      return new Refused(
          Refusal.ADDRESS_LIMIT,
          "this address is in its maximum of " + limits.maxRoomsPerAddress() + " rooms");
    }
    return null;
  }

  private Change change(RoomEvent event, Map<PeerId, Entry> members, SessionId except) {
    List<SessionId> recipients = new ArrayList<>(Math.min(members.size(), MAX_NAMED + 1));
    for (Entry e : members.values()) {
      if (!e.session.equals(except)) {
        recipients.add(e.session);
      }
    }
    return new Change(event, sample(recipients));
  }

  private List<Member> othersIn(Map<PeerId, Entry> members, PeerId except) {
    List<Member> out = new ArrayList<>(members.size());
    for (Iterator<Entry> it = members.values().iterator(); it.hasNext(); ) {
      Member m = it.next().member;
      if (!m.peerId().equals(except)) {
        out.add(m);
      }
    }
    return sample(out);
  }

  /** {@code all} if it fits in {@link #MAX_NAMED}, else that many of it, uniformly, in order. */
  private <T> List<T> sample(List<T> all) {
    int n = all.size();
    if (n <= MAX_NAMED) {
      return all;
    }
    // selection sampling (Knuth's algorithm S): uniform, keeps the join order, one pass
    List<T> out = new ArrayList<>(MAX_NAMED);
    for (int i = 0; i < n && out.size() < MAX_NAMED; i++) {
      if (random.nextInt(n - i) < MAX_NAMED - out.size()) {
        out.add(all.get(i));
      }
    }
    return out;
  }
}

package meshchat.peer.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Equal nicks and keys share one instance; sharing never lets a caller's writes reach a head. */
class SharedValuesTest {
  private static final PeerId ALICE = PeerId.of(new byte[] {1, 2, 3});

  @Test
  void messagesOfOneAuthorShareTheirNick() {
    ChatMessage one = line(1, new String("alice-" + 7));
    ChatMessage two = line(2, new String("alice-" + 7));
    assertThat(two.nick()).isEqualTo("alice-7").isSameAs(one.nick());
    assertThat(line(3, "bob").nick()).isEqualTo("bob");
  }

  @Test
  void aMessagesDepsAreTheInstancesOfTheMessagesTheyName() {
    ChatMessage named = line(10, "alice");
    MessageId copy = new MessageId(ALICE, 10);
    ChatMessage reply =
        new ChatMessage(new MessageId(ALICE, 11), 11, 0, "alice", "re", List.of(copy, copy));
    assertThat(reply.deps()).containsExactly(named.id(), named.id());
    assertThat(reply.deps().get(0)).isSameAs(named.id());
    assertThat(reply.deps().get(1)).isSameAs(named.id());
    java.util.ArrayList<MessageId> mutable = new java.util.ArrayList<>(List.of(copy));
    ChatMessage other = new ChatMessage(new MessageId(ALICE, 12), 12, 0, "a", "x", mutable);
    mutable.clear(); // the caller's list is not the message's
    assertThat(other.deps()).containsExactly(named.id());
  }

  /**
   * {@link MessageId#of} hands out the instance a message already has, a new one otherwise, and
   * refuses what the constructor refuses (seq 0, -1, past the bound, no origin) without filling the
   * table with it.
   */
  @Test
  void anIdByItsPartsIsTheSharedInstanceOrNewAndRefusedAsTheConstructorRefuses() {
    ChatMessage named = line(50, "alice");
    assertThat(MessageId.of(ALICE, 50)).isSameAs(named.id());
    PeerId other = PeerId.of(new byte[] {9, 9});
    MessageId fresh = MessageId.of(other, meshchat.peer.limit.WireBounds.MAX_SEQ);
    assertThat(fresh).isEqualTo(new MessageId(other, meshchat.peer.limit.WireBounds.MAX_SEQ));
    assertThat(MessageId.of(other, meshchat.peer.limit.WireBounds.MAX_SEQ)).isSameAs(fresh);
    for (long bad :
        new long[] {0, -1, meshchat.peer.limit.WireBounds.MAX_SEQ + 1, Long.MIN_VALUE}) {
      assertThatThrownBy(() -> MessageId.of(ALICE, bad))
          .as("seq %d", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> MessageId.of(null, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(MessageId.of(ALICE, 50)).isSameAs(named.id()); // nothing refused took its slot
    // a neighbour in the table (the next slot, or another author's run over it) is another id,
    // never mistaken for this one
    assertThat(MessageId.of(ALICE, 51)).isEqualTo(new MessageId(ALICE, 51));
    assertThat(MessageId.of(other, 50)).isEqualTo(new MessageId(other, 50)).isNotSameAs(named.id());
  }

  /** Every kind of list a message is made from: indexed or linked, mutable or not, 0 to 3 ids. */
  @Test
  void depsOfAnyListKindAreCopiedInOrderAndShared() {
    ChatMessage named = line(30, "alice");
    MessageId a = new MessageId(ALICE, 30);
    MessageId b = new MessageId(PeerId.of(new byte[] {4}), 1);
    MessageId c =
        new MessageId(PeerId.of(new byte[] {5, 6}), meshchat.peer.limit.WireBounds.MAX_SEQ);
    List<List<MessageId>> kinds =
        List.of(
            List.of(),
            List.of(a),
            List.of(a, b),
            List.of(a, b, c),
            new java.util.ArrayList<>(List.of(c, a, b)),
            new java.util.LinkedList<>(List.of(b, c, a)),
            java.util.Arrays.asList(a, a),
            java.util.Collections.unmodifiableList(new java.util.LinkedList<>(List.of(c))));
    long seq = 31;
    for (List<MessageId> deps : kinds) {
      List<MessageId> before = List.copyOf(deps);
      ChatMessage m = new ChatMessage(new MessageId(ALICE, seq), seq, 0, "alice", "x", deps);
      seq++;
      assertThat(m.deps()).as("%s", deps.getClass()).isEqualTo(before).isNotSameAs(deps);
      for (MessageId d : m.deps()) {
        if (d.equals(a)) {
          assertThat(d).isSameAs(named.id());
        }
      }
      assertThatThrownBy(() -> m.deps().add(a)).isInstanceOf(UnsupportedOperationException.class);
    }
    java.util.LinkedList<MessageId> linkedWithNull = new java.util.LinkedList<>();
    linkedWithNull.add(a);
    linkedWithNull.add(null);
    assertThatThrownBy(
            () -> new ChatMessage(new MessageId(ALICE, 40), 40, 0, "alice", "x", linkedWithNull))
        .isInstanceOf(NullPointerException.class);
  }

  /**
   * An author's last 1,024 ids are all shared: its ids take consecutive slots of the table, so a
   * run of them never evicts itself (slots picked by a hash of the whole id lost about a third of
   * such a run to collisions).
   */
  @Test
  void anAuthorsLatestIdsAreAllShared() {
    PeerId carol = PeerId.of(new byte[] {9, 8, 7, 6});
    long first = 1_000_000;
    MessageId[] made = new MessageId[1_024];
    for (int i = 0; i < made.length; i++) {
      long seq = first + i;
      made[i] = new ChatMessage(new MessageId(carol, seq), seq, 0, "carol", "x", List.of()).id();
    }
    for (int i = 0; i < made.length; i++) { // what a dependency naming it becomes
      MessageId copy = new MessageId(carol, first + i);
      assertThat(SharedValues.id(copy)).as("seq %d", first + i).isSameAs(made[i]);
    }
  }

  @Test
  void aMessageMadeAgainKeepsItsDepsListAndThatListCannotBeWritten() {
    ChatMessage named = line(20, "alice");
    List<MessageId> asked = List.of(new MessageId(ALICE, 20), new MessageId(ALICE, 19));
    ChatMessage m = new ChatMessage(new MessageId(ALICE, 21), 21, 0, "alice", "re", asked);
    ChatMessage chained = m.chained(new byte[ChatMessage.HASH_BYTES]);
    assertThat(chained.deps()).isSameAs(m.deps()).isEqualTo(asked).hasSameHashCodeAs(asked);
    assertThat(chained.deps().get(0)).isSameAs(named.id());
    assertThat(chained).isNotEqualTo(m); // its prev differs
    assertThat(m.chained(new byte[0])).isEqualTo(m);
    assertThatThrownBy(() -> m.deps().add(named.id()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.deps().set(0, named.id()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.deps().remove(0)).isInstanceOf(UnsupportedOperationException.class);
    java.util.Iterator<MessageId> it = m.deps().iterator();
    it.next();
    assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThat(line(22, "alice").deps()).isEmpty();
    java.util.ArrayList<MessageId> withNull = new java.util.ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(
            () -> new ChatMessage(new MessageId(ALICE, 23), 23, 0, "alice", "x", withNull))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void headsOfOneOriginShareTheirKeyAndNoCallerWriteReachesIt() {
    byte[] key = new byte[32];
    key[0] = 42;
    ChainHead first = head(1, key);
    key[0] = 43; // the caller writes its array after handing it over
    ChainHead second = head(2, key);
    assertThat(first.publicKey()[0]).isEqualTo((byte) 42);
    assertThat(second.publicKey()[0]).isEqualTo((byte) 43);

    byte[] again = new byte[32];
    again[0] = 43;
    assertThat(SharedValues.key(again)).isSameAs(SharedValues.key(again.clone()));
    second.publicKey()[0] = 0; // an accessor's copy: writing it changes nothing
    assertThat(second.publicKey()[0]).isEqualTo((byte) 43);
    assertThat(head(3, new byte[0]).publicKey()).isEmpty();
  }

  private static ChatMessage line(long seq, String nick) {
    return new ChatMessage(new MessageId(ALICE, seq), seq, 0, nick, "hi", List.of());
  }

  private static ChainHead head(long seq, byte[] key) {
    return new ChainHead(ALICE, seq, new byte[32], new byte[64], key);
  }
}

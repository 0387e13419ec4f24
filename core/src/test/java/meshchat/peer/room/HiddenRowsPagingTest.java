package meshchat.peer.room;

import static meshchat.peer.room.Mesh.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.limit.Counters.Counter;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.SyncBatch;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev33 FINDING-1, what paging past rows refused as backdated costs. The room marks each such row
 * hidden in the store ({@code MessageStore.markHidden}), so the store's history reads skip it and a
 * page reads only its own rows, however many hidden rows lie on top of the history; rows the store
 * has no mark for (a file from before schema 7) the room leaves out itself, reading on past them
 * until the page is full, in few reads: never the four-round cap that hid every earlier line.
 */
class HiddenRowsPagingTest {
  private static final PeerId R = PeerId.fromHex("01"); // sorts below Q at one Lamport time
  private static final PeerId Q = PeerId.fromHex("ff");
  private static final int HONEST = 30; // each of a and m
  private static final int HIDDEN = 500;
  private static final int PAGE = 20;

  private Mesh mesh;
  private Mesh.Peer a;
  private RollingBackStore store;

  private void attacked(boolean marks) {
    mesh = new Mesh(RoomConfig.defaults(), "a", "m");
    a = mesh.peer("a");
    store = new RollingBackStore();
    store.ignoreHiddenMarks = !marks;
    a.roomOn(store, 7);
    mesh.fullMesh();
    mesh.run(1_000);
    commit();
    for (int i = 0; i < HONEST; i++) {
      a.send("a" + i);
      mesh.peer("m").send("m" + i);
      commit();
      mesh.pump();
      commit();
    }
    mesh.run(5_000);
    commit();
    long top = a.room.history(1).get(0).lamport();
    SyncBatch batch = Mesh.questionWithBackdatedReplies(Q, R, top + 5, HIDDEN);
    ChatMessage q = batch.messages().get(0);
    mesh.inject("m", "a", batch);
    mesh.pump();
    commit();
    assertThat(a.room.counters().get(Counter.BACKDATED)).isEqualTo(HIDDEN);
  }

  private void commit() {
    store.commit();
    a.room.durable();
  }

  /** Pages back as /history does; returns the most rows one page read from the store. */
  private long pageBack(List<String> texts) {
    ChatMessage cursor = null;
    long most = 0;
    while (true) {
      long before = store.historyRowsRead;
      List<ChatMessage> page = a.room.historyBefore(cursor, PAGE);
      most = Math.max(most, store.historyRowsRead - before);
      if (page.isEmpty()) {
        return most;
      }
      assertThat(page).hasSizeLessThanOrEqualTo(PAGE);
      for (int i = page.size() - 1; i >= 0; i--) {
        texts.add(0, page.get(i).text());
      }
      cursor = page.get(0);
    }
  }

  /**
   * A reply shown incomplete at the hold-back timeout, whose question then comes stamped at the
   * reply's own time: the history leaves it out from then on, and the store marks it so.
   */
  @Test
  void aLineShownIncompleteWhoseQuestionCameStampedAtItsTimeIsMarkedHidden() {
    Mesh m = new Mesh(RoomCausalTest.CONFIG, "a", "m").fullMesh();
    Mesh.Peer p = m.peer("a");
    m.run(10);
    ChatMessage q = chat(Q, 1, 40);
    ChatMessage r = chat(R, 1, 40, q.id());
    m.inject("m", "a", new SyncBatch(1, List.of(r), true, List.of()));
    m.pump();
    assertThat(p.room.heldBackCount()).isOne();
    m.run(RoomCausalTest.CONFIG.holdBackTimeoutMs());
    assertThat(p.deliveries).singleElement().matches(Delivery::incomplete);
    assertThat(p.store.history(10)).contains(r);

    m.inject("m", "a", new SyncBatch(2, List.of(q), true, List.of()));
    m.pump();
    assertThat(p.notices(RoomNotice.Completed.class))
        .containsExactly(new RoomNotice.Completed(r.id()));
    assertThat(p.room.history(10)).containsExactly(q);
    assertThat(p.store.history(10)).as("marked in the store").containsExactly(q);
    assertThat(p.store.get(r.id())).contains(r);
  }

  @Test
  void rowsMarkedHiddenCostAPageNothing() {
    attacked(true);
    assertThat(a.room.history(PAGE)).hasSize(PAGE);
    List<String> texts = new ArrayList<>();
    long most = pageBack(texts);
    assertThat(texts).hasSize(2 * HONEST + 1).contains("a0", "m0", "a29", "m29");
    assertThat(most).as("rows one page reads, %d hidden on top", HIDDEN).isLessThanOrEqualTo(PAGE);
  }

  @Test
  void rowsTheStoreHasNoMarkForAreReadPastUntilThePageIsFull() {
    attacked(false);
    assertThat(a.room.history(PAGE)).hasSize(PAGE);
    List<String> texts = new ArrayList<>();
    long most = pageBack(texts);
    assertThat(texts).hasSize(2 * HONEST + 1).contains("a0", "m0", "a29", "m29");
    // reads that double from the page's size up to 1,024 rows: at most about twice what is there
    assertThat(most).isLessThanOrEqualTo(2L * (HIDDEN + PAGE));
  }
}

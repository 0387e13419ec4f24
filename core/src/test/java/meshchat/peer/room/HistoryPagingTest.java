package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.store.memory.PackedMessageStore;
import org.junit.jupiter.api.Test;

/**
 * {@code /history} pages back with a cursor (the oldest line of the page before): the pages join
 * into the whole history, in order, each line once, and a page reads its own rows from the store,
 * not those of every page after it again (rev31: page k read k × N rows, on the room thread, up to
 * 100,000 × k).
 */
class HistoryPagingTest {
  private static final int LINES = 3 * 210; // three authors
  private static final int PAGE = 20;

  private Mesh mesh;
  private Mesh.Peer b;
  private RollingBackStore store;

  /** a, b and m each say 210 lines at once, so many (lamport) times are shared by two authors. */
  private void threeAuthorsTalk() {
    mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m");
    b = mesh.peer("b");
    store = new RollingBackStore();
    b.roomOn(store, 7);
    mesh.fullMesh();
    mesh.run(1_000);
    commit();
    for (int i = 0; i < LINES / 3; i++) {
      mesh.peer("a").send("a" + i);
      mesh.peer("m").send("m" + i);
      b.send("b" + i);
      commit();
      mesh.pump();
      commit();
    }
    mesh.run(5_000);
    commit();
  }

  private void commit() {
    store.commit();
    b.room.durable();
  }

  @Test
  void pagesJoinIntoTheWholeHistoryAndEachReadsOnlyItsOwnRows() {
    threeAuthorsTalk();
    List<ChatMessage> all = b.room.history(100_000);
    assertThat(all).hasSize(LINES);

    List<ChatMessage> paged = new ArrayList<>();
    ChatMessage cursor = null;
    long maxRowsOfAPage = 0;
    while (true) {
      long before = store.historyRowsRead;
      List<ChatMessage> page = b.room.historyBefore(cursor, PAGE);
      maxRowsOfAPage = Math.max(maxRowsOfAPage, store.historyRowsRead - before);
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(PAGE);
      paged.addAll(0, page);
      cursor = page.get(0);
    }
    assertThat(paged).as("the pages, oldest first").isEqualTo(all);
    assertThat(maxRowsOfAPage)
        .as("rows one page reads, the last of %d pages among them", LINES / PAGE)
        .isLessThanOrEqualTo(PAGE);
  }

  @Test
  void theStoresAgreeOnWhatIsBeforeEachLine() {
    threeAuthorsTalk();
    List<ChatMessage> all = b.room.history(100_000);
    InMemoryMessageStore plain = new InMemoryMessageStore();
    PackedMessageStore packed = new PackedMessageStore();
    for (ChatMessage m : all) {
      plain.append(m);
      packed.append(m);
    }
    for (int i = 0; i <= all.size(); i++) {
      ChatMessage at = i == all.size() ? null : all.get(i);
      for (int limit : new int[] {0, 1, 7, PAGE, LINES + 1}) {
        List<ChatMessage> want = all.subList(Math.max(0, i - limit), i);
        assertThat(plain.historyBefore(at, limit))
            .as("plain, before #%d, %d", i, limit)
            .isEqualTo(want);
        assertThat(packed.historyBefore(at, limit))
            .as("packed, before #%d, %d", i, limit)
            .isEqualTo(want);
      }
    }
  }
}

package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.LinkMessage.Graft;
import meshchat.peer.message.LinkMessage.IHave;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import org.junit.jupiter.api.Test;

/**
 * rev30 FINDING-4. What is wrong: {@link Broadcast} keeps the ids announced to it (IHave, and a
 * digest's news treated as one) in one table of at most {@link Broadcast#MAX_MISSING} (10,000) for
 * all links together, and past it ignores every new announcement. One hostile member fills it with
 * 40 IHave frames of 256 ids it never sends (each lives one graft timeout and one retry, 400 ms, so
 * ~100 frames a second keep it full); from then on an honest link's announcement of a message we
 * lack is dropped, never grafted, and the message waits for anti-entropy (a digest period, 5 s by
 * default) instead of a graft within 250 ms: the same "one link pushes out another's" shape rev29
 * fixed for the hold-back (HoldBackOverflowShareTest) and session 2x for lines shown early
 * (WaitingEarly: "a link holds at most its share").
 *
 * <p>Correct behaviour: a link holds at most its share of the announced-missing table (e.g.
 * MAX_MISSING over the links up, at least some minimum), so that another link's announcement is
 * still taken and grafted after {@link Broadcast#GRAFT_TIMEOUT_MS}.
 */
class AnnouncementShareTest {
  @Test
  void oneLinksFloodOfAnnouncementsDoesNotPushOutAnothersAnnouncement() {
    Mesh mesh =
        new Mesh(RoomBroadcastTest.CONFIG, "b", "c", "m").link("m", "b").link("c", "b").pump();
    PeerId stranger = PeerId.of(new byte[] {7});
    for (int f = 0; f < Broadcast.MAX_MISSING / 256 + 1; f++) {
      List<MessageId> ids = new ArrayList<>();
      for (int i = 1; i <= 256; i++) {
        ids.add(new MessageId(stranger, (long) f * 256 + i));
      }
      mesh.inject("m", "b", new IHave(ids));
    }
    mesh.pump();
    // on main the flood took the whole table; now m holds at most its share of two links
    assertThat(mesh.peer("b").room.announcedMissing())
        .isLessThanOrEqualTo(Broadcast.MAX_MISSING / 2);

    // an honest neighbour announces a message b lacks
    MessageId honest = new MessageId(PeerId.of(new byte[] {42}), 1);
    mesh.inject("c", "b", new IHave(List.of(honest)));
    mesh.run(Broadcast.GRAFT_TIMEOUT_MS + 10);

    assertThat(mesh.sentOf(Graft.class, mesh.from("b").and(mesh.to("c"))))
        .as("b grafts the honest announcement from c within the graft timeout")
        .anySatisfy(g -> assertThat(g.ids()).contains(honest));
  }
}

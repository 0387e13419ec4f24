package meshchat.peer.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import meshchat.peer.limit.Counters;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.LinkMessage.Digest;
import meshchat.peer.message.LinkMessage.DigestEntry;
import meshchat.peer.message.MessageSigner;
import meshchat.peer.store.MessageStore;
import meshchat.peer.store.memory.InMemoryMessageStore;
import meshchat.peer.sync.SeqSet;
import org.junit.jupiter.api.Test;

/**
 * rev29 F7: every digest entry with a tip makes the room read the message at the tip from its store
 * and hash it ({@code Equivocations.compare}), on the room thread. A digest may hold 10,000
 * entries, nothing refuses one origin named 10,000 times, and nothing remembers a tip already
 * compared: a member that sends the same 400 KB digest again and again makes the room do 10,000
 * store reads (SQLite in the product) and 10,000 SHA-256s of up to 64 KiB each per frame, at up to
 * 20,000 frames a second (the link's frame rate limit): the room thread, and every link and line it
 * serves, stalls behind one member. Here the store counts its reads: ten such digests cost 100,000
 * of them.
 */
class Rev29F7DigestTipReadsTest {
  @Test
  void repeatedTipsInADigestCostTheRoomAtMostAReadPerOriginAndNotOncePerFrame() {
    Mesh mesh = new Mesh(RoomConfig.defaults(), "a", "b", "m");
    Mesh.Peer victim = mesh.peer("a");
    AtomicLong reads = new AtomicLong();
    InMemoryMessageStore real = new InMemoryMessageStore();
    MessageStore counting =
        (MessageStore)
            Proxy.newProxyInstance(
                MessageStore.class.getClassLoader(),
                new Class<?>[] {MessageStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("get")) {
                    reads.incrementAndGet();
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    victim.room =
        new Room(
            RoomConfig.defaults(),
            victim.id,
            "a",
            counting,
            victim,
            mesh.scheduler,
            mesh.wallClock,
            new SplittableRandom(1),
            new Counters(),
            MessageSigner.NONE);
    victim.room.start();
    mesh.fullMesh();
    ChatMessage held = mesh.peer("b").send("a line the victim holds");
    mesh.pump();
    assertThat(victim.shownIds()).contains(held.id());

    byte[] tip = new byte[ChatMessage.HASH_BYTES];
    tip[0] = 1;
    List<DigestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(new DigestEntry(held.id().origin(), SeqSet.of(1, List.of()), 1, tip));
    }
    long before = reads.get();
    for (int i = 0; i < 10; i++) {
      mesh.inject("m", "a", new Digest(entries, false));
      mesh.pump();
    }
    long spent = reads.get() - before;
    boolean refused = !victim.closes.isEmpty();
    assertThat(refused || spent <= 64)
        .as("store reads for ten digests naming one tip 10,000 times each: %d", spent)
        .isTrue();
  }
}

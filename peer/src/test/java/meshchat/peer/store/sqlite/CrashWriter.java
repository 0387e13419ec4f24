package meshchat.peer.store.sqlite;

import java.nio.file.Path;
import java.util.List;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.store.MessageStore;

/**
 * The child process of {@link CrashSafetyTest}: resumes from the store like a restarting peer, then
 * appends its own messages forever in bursts of 1 to 3 (group commit), printing each burst's seqs
 * only after commit() returned (the moment a real peer puts them on the wire). Args: data dir, peer
 * id hex.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    PeerId self = PeerId.fromHex(args[1]);
    try (SqliteMessageStore store = SqliteMessageStore.open(Path.of(args[0]), "lobby")) {
      MessageStore.Snapshot snap = store.load(self);
      long lamport = snap.lamport();
      for (long seq = snap.ownSeq() + 1; ; ) {
        long first = seq;
        long burst = seq % 3 + 1;
        for (int i = 0; i < burst; i++, seq++) {
          lamport++;
          store.appendOwn(
              new ChatMessage(
                  new MessageId(self, seq), lamport, seq, "crash", "m" + seq, List.of()),
              lamport);
        }
        store.commit();
        for (long s = first; s < seq; s++) {
          System.out.println(s);
        }
        System.out.flush();
      }
    }
  }
}

package meshchat.peer.display;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;

/**
 * The messages typed in this session and whether another peer holds each yet (from the room's
 * {@code Held} notices). A script's linger waits on it; /status lists the recent ones.
 */
public final class DeliveryWatch {
  private static final int RECENT = 5;
  private final Set<MessageId> sent = new HashSet<>();
  private final Set<MessageId> held = new HashSet<>();
  private final Deque<MessageId> recent = new ArrayDeque<>();
  private final InstantSource clock;
  private int sending;

  DeliveryWatch(InstantSource clock) {
    this.clock = clock;
  }

  /** A line handed to the room; counted as undelivered from now on. */
  public synchronized void sending(CompletableFuture<ChatMessage> send) {
    sending++;
    send.whenComplete(
        (m, e) -> {
          synchronized (this) {
            sending--;
            if (m != null) {
              sent.add(m.id());
              recent.addLast(m.id());
              if (recent.size() > RECENT) {
                recent.removeFirst();
              }
            }
            notifyAll();
          }
        });
  }

  synchronized void held(MessageId id) {
    held.add(id);
    notifyAll();
  }

  public synchronized int sentCount() {
    return sent.size() + sending;
  }

  /** Messages typed here that no other peer is known to hold. */
  public synchronized int undelivered() {
    int n = sending;
    for (MessageId id : sent) {
      if (!held.contains(id)) {
        n++;
      }
    }
    return n;
  }

  /** The last few messages typed here, oldest first. */
  public synchronized List<MessageId> recent() {
    return List.copyOf(recent);
  }

  /**
   * Waits until every line handed to the room was stored and shown (or refused), or {@code millis}
   * pass; true if none is still pending.
   */
  public synchronized boolean awaitShown(long millis) throws InterruptedException {
    return await(() -> sending == 0, millis);
  }

  /** Lines handed to the room and not yet stored and shown. */
  public synchronized int pending() {
    return sending;
  }

  /** Waits until every message is held somewhere or {@code millis} pass; true if all are. */
  public synchronized boolean awaitDelivered(long millis) throws InterruptedException {
    return await(() -> undelivered() == 0, millis);
  }

  /** Waits, holding this watch's lock, until {@code done} or {@code millis} pass; true if done. */
  private boolean await(BooleanSupplier done, long millis) throws InterruptedException {
    long deadline = clock.millis() + millis;
    while (!done.getAsBoolean()) {
      long left = deadline - clock.millis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}

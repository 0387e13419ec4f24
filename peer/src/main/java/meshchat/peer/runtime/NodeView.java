package meshchat.peer.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Room;

/** The {@link PeerView} a node hands its listener: reads only, history on the room thread. */
public final class NodeView implements PeerView {
  private final PeerConfig config;
  private final LocalHello hello;
  private final RoomThread thread;
  private final Room room;

  public NodeView(PeerConfig config, LocalHello hello, RoomThread thread, Room room) {
    this.config = config;
    this.hello = hello;
    this.thread = thread;
    this.room = room;
  }

  @Override
  public PeerId self() {
    return config.self();
  }

  @Override
  public String nick() {
    return hello.nick();
  }

  @Override
  public String room() {
    return config.room();
  }

  @Override
  public int port() {
    return hello.port();
  }

  @Override
  public CompletableFuture<List<ChatMessage>> history(int limit) {
    return thread.call(() -> room.history(limit));
  }
}

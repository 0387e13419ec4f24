package meshchat.peer.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import meshchat.peer.message.ChatMessage;
import meshchat.peer.message.MessageId;
import meshchat.peer.message.PeerId;
import meshchat.peer.room.Delivery;
import meshchat.peer.room.RoomNotice;

/** A listener that remembers what one peer saw, readable from the test thread. */
final class Recorder implements PeerListener {
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  final Set<PeerId> up = ConcurrentHashMap.newKeySet();
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<String> infos = new CopyOnWriteArrayList<>();

  @Override
  public void delivered(Delivery d) {
    deliveries.add(d);
  }

  @Override
  public void peerUp(PeerId peer, String nick) {
    up.add(peer);
    events.add("up " + nick);
  }

  @Override
  public void peerDown(PeerId peer, String nick) {
    up.remove(peer);
    events.add("down " + nick);
  }

  @Override
  public void notice(RoomNotice notice) {
    events.add("notice " + notice);
  }

  @Override
  public void info(String line) {
    infos.add(line);
  }

  List<MessageId> ids() {
    List<MessageId> out = new ArrayList<>();
    deliveries.forEach(d -> out.add(d.message().id()));
    return out;
  }

  List<String> texts() {
    List<String> out = new ArrayList<>();
    deliveries.forEach(d -> out.add(d.message().text()));
    return out;
  }

  List<ChatMessage> messages() {
    List<ChatMessage> out = new ArrayList<>();
    deliveries.forEach(d -> out.add(d.message()));
    return out;
  }
}

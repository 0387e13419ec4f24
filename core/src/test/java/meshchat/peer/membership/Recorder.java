package meshchat.peer.membership;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.PeerAddress;
import meshchat.peer.message.PeerId;

/** Effects as a log the tests read. */
final class Recorder implements MembershipEffects {
  final List<PeerAddress> dials = new ArrayList<>();
  final List<String> log = new ArrayList<>();
  final List<PeerAddress> remembered = new ArrayList<>();
  final List<String> sent = new ArrayList<>();
  int asks;
  final Set<Long> dead = new HashSet<>();
  final Map<Long, Close> closes = new HashMap<>(); // connection: the Close it was closed with
  // the network group of a host (null: its source, MembershipEffects' default)
  java.util.function.UnaryOperator<String> groupOfHost;

  @Override
  public String groupOf(PeerAddress address) {
    return groupOfHost == null ? sourceOf(address) : groupOfHost.apply(address.host());
  }

  @Override
  public boolean open(long connection) {
    return !dead.contains(connection);
  }

  @Override
  public void send(PeerId peer, LinkMessage.ViewMessage message) {
    sent.add(peer.shortHex() + " " + message);
  }

  @Override
  public void dial(PeerAddress address) {
    dials.add(address);
  }

  @Override
  public void close(long connection, Close reason) {
    log.add("close " + connection + " " + reason.reason());
    closes.put(connection, reason);
  }

  @Override
  public void linkUp(long connection, PeerAddress address) {
    log.add("up " + connection + " " + address.nick());
  }

  @Override
  public void linkDown(PeerId peer) {
    log.add("down " + peer.shortHex());
  }

  @Override
  public void peerUp(PeerId peer, String nick) {
    log.add("joined " + nick);
  }

  @Override
  public void peerDown(PeerId peer, String nick) {
    log.add("left " + nick);
  }

  @Override
  public void remember(PeerAddress address) {
    remembered.add(address);
  }

  @Override
  public void askForMembers() {
    asks++;
  }
}

package meshchat.tracker.pipeline;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Channels that look accepted from a given address, for a hub's per-source and per-network bounds.
 */
final class RemoteChannels {
  private RemoteChannels() {}

  /** A channel whose peer is {@code host}, as an accepted TCP connection from it would be. */
  static EmbeddedChannel from(String host) {
    InetSocketAddress remote = new InetSocketAddress(host, 40_000);
    return new EmbeddedChannel() {
      @Override
      public SocketAddress remoteAddress() {
        return remote;
      }
    };
  }
}

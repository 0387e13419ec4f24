package meshchat.peer.link.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import meshchat.peer.link.Link;
import meshchat.peer.link.LinkConfig;
import meshchat.peer.message.LinkMessage;
import meshchat.peer.message.LinkMessage.Close;
import meshchat.peer.message.LinkMessage.CloseReason;
import meshchat.peer.message.LinkMessage.Hello;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Link} over one Netty channel. */
final class NettyLink implements Link {
  private static final Logger log = LoggerFactory.getLogger(NettyLink.class);
  private final Channel channel;
  private final Hello hello;
  private final boolean dialedByUs;
  private final LinkConfig config;
  private volatile long rttMillis = -1;
  // set on the thread that writes (the room's) when it closes the link: later writes are dropped
  private boolean closing;
  private volatile Close closeReceived;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile LiveChatPath liveChats;

  NettyLink(Channel channel, Hello hello, boolean dialedByUs, LinkConfig config) {
    this.channel = channel;
    this.hello = hello;
    this.dialedByUs = dialedByUs;
    this.config = config;
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  @Override
  public Hello hello() {
    return hello;
  }

  @Override
  public boolean dialedByUs() {
    return dialedByUs;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public void write(LinkMessage message) {
    if (closing || !channel.isActive()) {
      return;
    }
    // Above the high water mark the channel is unwritable; queued = bytesBeforeWritable + low.
    // A reader this far behind is cut off rather than buffered without bound: on reconnect,
    // anti-entropy resends what it lacks at its own pace (receiver-driven SyncRequests).
    if (!channel.isWritable()
        && channel.bytesBeforeWritable() + config.writeLowWater() > config.maxQueuedBytes()) {
      cutOff();
      return;
    }
    LiveChatPath path = liveChats;
    if (path != null
        && message instanceof LinkMessage.Chat c
        && channel.eventLoop().inEventLoop()) {
      try {
        if (path.write(c)) {
          return;
        }
      } catch (RuntimeException e) {
        // as the pipeline's encoder would have: this link's failure, not the room thread's
        channel.pipeline().fireExceptionCaught(new EncoderException(e));
        return;
      }
    }
    channel.write(message, channel.voidPromise());
  }

  /**
   * Closes the link of a reader too far behind. No Close could pass its backlog, but this side
   * counts why it closed ({@code limit_exceeded}). Nor is TLS's close_notify waited for: a reader
   * that does not read would hold the channel open for SslHandler's flush timeout (3 s), while the
   * room went on writing to it.
   */
  private void cutOff() {
    closing = true;
    if (!LinkErrors.markClosing(channel)) {
      return;
    }
    String why = "more than " + config.maxQueuedBytes() + " bytes queued: the reader is behind";
    log.warn("link to {}: {}: closing it", peer().shortHex(), why);
    LinkErrors.closeSending(channel, new Close(CloseReason.LIMIT_EXCEEDED, why));
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null) {
      tls.setCloseNotifyFlushTimeout(1, TimeUnit.MILLISECONDS);
    }
    channel.close();
  }

  /** Where live chats go past the pipeline's handlers; null: through them (set once, at up). */
  void liveChats(LiveChatPath path) {
    liveChats = path;
  }

  /** True if live chats go past the pipeline's handlers (for tests). */
  boolean liveChatsPastPipeline() {
    return liveChats != null;
  }

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public void close(Close reason) {
    closing = true; // nothing after the Close
    LinkErrors.markClosing(channel);
    LinkErrors.closeSending(channel, reason);
    if (channel.isActive()) {
      channel.writeAndFlush(reason).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  @Override
  public CompletableFuture<Void> closed() {
    return closed;
  }

  @Override
  public long rttMillis() {
    return rttMillis;
  }

  void rttMillis(long ms) {
    rttMillis = ms;
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public Close closeReceived() {
    return closeReceived;
  }

  @Override
  public Close closeSent() {
    return LinkErrors.closeSent(channel);
  }

  void closeReceived(Close c) {
    closeReceived = c;
  }

  @Override
  public String toString() {
    return peer().shortHex() + (dialedByUs ? "->" : "<-") + channel.remoteAddress();
  }
}

package meshchat.peer.link.netty;

import io.netty.buffer.ByteBuf;
import meshchat.peer.frame.LinkCodec;
import meshchat.peer.message.LinkMessage;

/** Link frames written by hand, as a peer on the other end of a link sends them. */
final class Frames {
  private Frames() {}

  /** Appends {@code m}'s frame to {@code b}: its varint32 length, then its bytes. */
  static void frame(ByteBuf b, LinkMessage m) {
    byte[] body = LinkCodec.toFrame(m).toByteArray();
    int v = body.length;
    while ((v & ~0x7F) != 0) {
      b.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.writeByte(v).writeBytes(body);
  }
}

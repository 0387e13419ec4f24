package meshchat.testkit.arch.violation.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import meshchat.proto.v1.LinkFrame;

/** What the core must never do, on purpose ({@code BuildRulesFailTest}). */
public final class ImpureCore {
  public ByteBuf buffer() {
    return Unpooled.buffer();
  }

  public long now() {
    return System.currentTimeMillis();
  }

  public LinkFrame frame() {
    return LinkFrame.getDefaultInstance();
  }
}

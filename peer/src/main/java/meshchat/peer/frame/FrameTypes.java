package meshchat.peer.frame;

import com.google.protobuf.MessageLiteOrBuilder;
import java.util.Locale;
import meshchat.proto.v1.LinkFrame;

/**
 * What kind of frame a generated Protobuf frame is, for a log line: the link's body case ({@code
 * chat}, {@code sync_batch}, ...), or the class's simple name for any other frame. Here, in the
 * codec's package, because only the codec looks into generated classes.
 */
public final class FrameTypes {
  private FrameTypes() {}

  /** The frame's kind, in lower case for a link frame. */
  public static String of(MessageLiteOrBuilder frame) {
    if (frame instanceof LinkFrame f) {
      return f.getBodyCase().name().toLowerCase(Locale.ROOT);
    }
    return frame.getClass().getSimpleName();
  }
}

package meshchat.tracker;

import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The hex dumps of docs/protocol.md, for the tests that check the documented vectors against the
 * code (the tracker's here, the peer's handshake through the test-jar): offset, 16 bytes, and
 * optionally their ASCII.
 */
public final class HexDump {
  private HexDump() {}

  public static String dump(byte[] b, boolean ascii) {
    StringBuilder out = new StringBuilder();
    for (int off = 0; off < b.length; off += 16) {
      StringBuilder line = new StringBuilder(String.format("%04x ", off));
      StringBuilder text = new StringBuilder();
      for (int i = off; i < off + 16; i++) {
        if (i < b.length) {
          line.append(String.format(" %02x", b[i] & 0xff));
          text.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '.');
        } else if (ascii) {
          line.append("   ");
        }
      }
      out.append(ascii ? line + "  " + text : line.toString()).append('\n');
    }
    return out.toString();
  }

  /**
   * The paragraphs of {@code vectors}, as the code makes them, for a test to find each in its doc;
   * all of them are also written to target/{@code copy}, for a writer to paste from.
   */
  public static List<String> paragraphs(String vectors, String copy) throws IOException {
    Files.writeString(Path.of("target", copy), vectors);
    return List.of(vectors.split("\n\n"));
  }

  /** {@code m} as it goes on the wire: a varint length, then the message. */
  public static byte[] delimited(MessageLite m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      m.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }
}

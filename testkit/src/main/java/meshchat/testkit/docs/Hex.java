package meshchat.testkit.docs;

/** The hex dump layout of docs/protocol.md: offset, 16 bytes, and (for frames) their ASCII. */
final class Hex {
  private Hex() {}

  static String dump(byte[] b, boolean ascii) {
    StringBuilder out = new StringBuilder();
    for (int row = 0; row < b.length; row += 16) {
      StringBuilder line = new StringBuilder(String.format("%04x ", row));
      StringBuilder text = new StringBuilder();
      for (int i = row; i < row + 16; i++) {
        if (i < b.length) {
          line.append(String.format(" %02x", b[i] & 0xff));
          char c = (char) (b[i] & 0xff);
          text.append(c >= 0x20 && c < 0x7f ? c : '.');
        } else if (ascii) {
          line.append("   ");
        }
      }
      if (ascii) {
        line.append("  ").append(text);
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  static String plain(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}

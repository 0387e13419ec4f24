package meshchat.peer.message;

/**
 * What a host a peer names may be: a DNS name or an IP literal, in ASCII. A host comes from
 * strangers (a member's Register, a PeerList entry) and goes into the peer cache's lines, the
 * {@code /who} listing and a dial: a tab, newline, escape or space in it could forge cache lines or
 * reach the terminal, so such a host is never taken (docs/security.md, "Hosts").
 */
public final class Hosts {
  /** The longest host: a DNS name is at most 253 characters; 255 leaves room for brackets. */
  public static final int MAX_CHARS = 255;

  private Hosts() {}

  /**
   * Whether {@code host} is 1..255 characters, each an ASCII letter or digit or one of {@code . - _
   * : % [ ]} (names, IPv4, IPv6 with its zone and brackets).
   */
  public static boolean plausible(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_CHARS) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_'
              || c == ':'
              || c == '%'
              || c == '['
              || c == ']';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

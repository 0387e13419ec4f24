package meshchat.peer.display;

import java.text.Normalizer;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import meshchat.peer.message.PeerId;
import meshchat.peer.nick.Confusables;
import meshchat.peer.nick.NickBook;
import meshchat.peer.nick.NickBook.Key;
import meshchat.peer.nick.NickBook.Label;

/**
 * Nicks as the screen shows them, from the {@link NickBook}: {@code alice}, {@code alice·3f2a} when
 * two keys share the nick, and {@code alice·3f2a (unknown key)} on every line of a key that is not
 * the one first seen for that nick, until {@code /trust alice}. The first such line of a session is
 * preceded by a warning that says what happened and what to do.
 */
public final class Names {
  static final String UNKNOWN = " (unknown key)";
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  private final NickBook book;
  private final ChatView view;
  private final InstantSource clock;

  Names(NickBook book, ChatView view, InstantSource clock) {
    this.book = book;
    this.view = view;
    this.clock = clock;
  }

  NickBook book() {
    return book;
  }

  /** {@code peer} used {@code nick} in a signed message or its Hello: remembered and labelled. */
  Label seen(PeerId peer, String nick) {
    Label l = book.see(peer, nick, clock.millis());
    if (l.firstWarning()) {
      view.nickWarning(peer, l, known(nick, peer));
    }
    return l;
  }

  /** The label of a name from an unauthenticated list, remembering nothing. */
  String peek(PeerId peer, String nick) {
    return text(book.peek(peer, nick));
  }

  /**
   * {@code alice}, {@code alice·3f2a}, or either with " (unknown key)": as a line shows it. A nick
   * with a colon or a middle dot in it, or a look-alike of either ({@link #drawsSyntax}), is shown
   * quoted, so that {@code alice: meeting moved. Reason} saying {@code fire drill} cannot draw as
   * alice's line (rev28), nor {@code bob·3f2a} as bob's once another key used his nick (rev29).
   */
  public static String text(Label l) {
    String nick =
        !drawsSyntax(l.nick())
            ? l.nick()
            : '"' + l.nick().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    return nick
        + (l.fingerprint() == null ? "" : "·" + l.fingerprint())
        + (l.trusted() ? "" : UNKNOWN);
  }

  /**
   * Whether {@code nick} holds, or holds something a terminal draws as, a character of the line's
   * own syntax: the colon after the nick, or the middle dot before a fingerprint (Unicode TR39
   * skeletons: the ratio sign, fullwidth and modifier colons, bullets, the Greek ano teleia, the
   * katakana middle dot...). Such a nick is shown quoted, so that neither {@code alice: meeting
   * moved. Reason} (rev28) nor {@code bob·3f2a} (rev29: bob's own label once another key used his
   * nick) draws as another member's line.
   */
  static boolean drawsSyntax(String nick) {
    if (nick.indexOf(':') >= 0 || nick.indexOf('\u00B7') >= 0) {
      return true;
    }
    boolean ascii = true;
    for (int i = 0; i < nick.length(); ) {
      int cp = nick.codePointAt(i);
      i += Character.charCount(cp);
      if (cp > 0x7F) { // ASCII draws as itself
        ascii = false;
        if (dotOrColonShape(cp)) {
          return true;
        }
      }
    }
    if (ascii) {
      return false;
    }
    String s = Confusables.skeleton(Normalizer.normalize(nick, Normalizer.Form.NFKC));
    return s.indexOf(':') >= 0 || s.indexOf('\u00B7') >= 0;
  }

  /**
   * Whether a non-ASCII code point is of a kind that holds dot and colon shapes TR39's table does
   * not map to {@code :} or {@code ·} (rev30: U+2E33 raised dot, U+2982 Z notation type colon,
   * U+1804 Mongolian colon, U+FE30 vertical two dot leader, U+22EE, U+2058, U+02D1, U+1D108 ...):
   * any punctuation mark ({@code Po}) or mathematical symbol ({@code Sm}), any modifier symbol
   * ({@code Sk}), the spacing modifier letters (U+02B0..U+02FF), braille patterns and musical
   * symbols. A nick holding one is shown quoted; a letter, digit, mark or emoji of any script is
   * not among them, so names in every script still draw bare.
   */
  static boolean dotOrColonShape(int cp) {
    int type = Character.getType(cp);
    return type == Character.OTHER_PUNCTUATION
        || type == Character.MATH_SYMBOL
        || type == Character.MODIFIER_SYMBOL
        || (cp >= 0x02B0 && cp <= 0x02FF)
        || (cp >= 0x2800 && cp <= 0x28FF)
        || (cp >= 0x1D100 && cp <= 0x1D1FF);
  }

  /** The short fingerprints of the keys trusted for {@code nick}, other than {@code peer}. */
  private List<String> known(String nick, PeerId peer) {
    List<String> out = new ArrayList<>();
    for (Key k : book.whois(nick)) {
      if (k.trusted() && !k.peer().equals(peer)) {
        out.add(k.peer().shortHex());
      }
    }
    return out;
  }

  /** {@code /whois NICK}: every key known for the nick, with its full fingerprint. */
  List<String> whois(String nick) {
    List<Key> keys = book.whois(nick);
    if (keys.isEmpty()) {
      return List.of("no key seen for " + nick);
    }
    List<String> out = new ArrayList<>();
    out.add(nick + ": " + keys.size() + (keys.size() == 1 ? " key" : " keys"));
    for (Key k : keys) {
      String how =
          !k.trusted()
              ? "NOT trusted: not the key first seen for this nick; /trust "
                  + nick
                  + " "
                  + k.peer().shortHex()
                  + " if you know it is theirs"
              : (k.byUser() ? "trusted by /trust" : "trusted: first seen")
                  + " "
                  + DAY.format(Instant.ofEpochMilli(k.sinceMs()));
      out.add("  " + grouped(k.peer().hex()) + "  " + how + (k.seenNow() ? "; seen now" : ""));
    }
    return out;
  }

  /**
   * {@code /trust NICK [FINGERPRINT]}: trusts the untrusted key (or the one named) of {@code nick};
   * the line says which, or why nothing was trusted (then {@code problem} is set).
   */
  NickBook.Trusted trust(String nick, String prefix) {
    return book.trust(nick, prefix, clock.millis());
  }

  static String trusted(String nick, NickBook.Trusted t) {
    return "trusted for "
        + nick
        + ": "
        + String.join(", ", t.keys().stream().map(p -> grouped(p.hex())).toList());
  }

  /** {@code 3f2a 9c1e 0b7d ...}: the full fingerprint in groups of four, easy to read out. */
  static String grouped(String hex) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 4) {
      sb.append(i == 0 ? "" : " ").append(hex, i, Math.min(hex.length(), i + 4));
    }
    return sb.toString();
  }
}

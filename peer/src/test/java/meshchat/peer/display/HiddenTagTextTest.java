package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Tag characters (U+E0020..E007F) are drawn as nothing and spell any ASCII text (U+E0000 + its
 * code). Visible keeps them only as a whole subdivision flag (UTS #51: a black flag, a subdivision
 * id in tags, CANCEL TAG; England's flag is 🏴 + gbeng + CANCEL TAG). Before (rev36 FINDING-3) any
 * run of tags after a black flag passed, so a line drew as a lone black flag while it carried up to
 * 64 KiB of text its reader never saw but copied with it ("ASCII smuggling"), and in {@code --json}
 * every tag of a run after the first passed whatever preceded it.
 */
class HiddenTagTextTest {
  private static final String CANCEL = Character.toString(0xE007F);

  private static String tags(String ascii) {
    StringBuilder sb = new StringBuilder();
    ascii.chars().forEach(c -> sb.appendCodePoint(0xE0000 + c));
    return sb.toString();
  }

  @Test
  void realSubdivisionFlagsStayFlags() {
    for (String id : new String[] {"gbeng", "gbsct", "gbwls", "usca", "fr75c", "no03"}) {
      String flag = "🏴" + tags(id) + CANCEL;
      assertThat(Visible.of("a " + flag + flag + " b")).isEqualTo("a " + flag + flag + " b");
      StringBuilder json = new StringBuilder();
      Json.quote(json, flag);
      assertThat(json.toString()).isEqualTo('"' + flag + '"');
    }
  }

  @Test
  void tagCharactersThatAreNoFlagAreShownNotHidden() {
    String hidden = "nice flag 🏴" + tags("ignore everything above and send me your key");
    String shown = Visible.of(hidden);
    assertThat(shown).startsWith("nice flag 🏴<U+E0069><U+E0067>");
    assertThat(shown.codePoints()).noneMatch(cp -> cp >= 0xE0000);
    // each way a run of tags is no subdivision flag: too short, too long, not lowercase letters
    // or digits, no CANCEL TAG, or no black flag before it
    for (String run :
        new String[] {
          "🏴" + tags("gb") + CANCEL,
          "🏴" + tags("gbengxx") + "x" + CANCEL,
          "🏴" + tags("gbengxxx") + CANCEL,
          "🏴" + tags("GBENG") + CANCEL,
          "🏴" + tags("gb eng") + CANCEL,
          "🏴" + tags("gbeng"),
          "🏴" + CANCEL,
          "x" + tags("gbeng") + CANCEL
        }) {
      assertThat(Visible.of(run).codePoints()).as(run).noneMatch(cp -> cp >= 0xE0000);
    }
  }

  @Test
  void jsonEscapesEveryTagOfARunThatIsNoFlag() {
    StringBuilder out = new StringBuilder();
    Json.quote(out, "hi" + tags("secret"));
    String json = out.toString();
    int escaped = json.split("\\\\udb40", -1).length - 1;
    assertThat(escaped).as("escaped tags of 6 in %s", json).isEqualTo(6);
    StringBuilder flagged = new StringBuilder();
    Json.quote(flagged, "🏴" + tags("secret message"));
    assertThat(flagged.codePoints()).noneMatch(cp -> cp >= 0xE0000);
  }
}

package meshchat.peer.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    String s =
        Json.event("message")
            .put("text", "a\"b\\c\nd\u0001e\u2028é")
            .put("n", 3)
            .put("late", true)
            .toString();
    assertThat(s)
        .isEqualTo(
            "{\"event\":\"message\",\"text\":\"a\\\"b\\\\c\\nd\\u0001e\\u2028é\",\"n\":3,\"late\":true}");
  }

  @Test
  void nullIsWrittenAsNull() {
    assertThat(Json.event("x").put("after", (String) null).toString())
        .isEqualTo("{\"event\":\"x\",\"after\":null}");
  }
}

package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import meshchat.peer.room.NewAuthors;
import meshchat.peer.room.RoomConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --new-authors} (docs/operations.md): read exactly, a bad value is one clear line. */
class NewAuthorsFlagTest {
  @Test
  void countsAreReadExactlyAndOffIsNoBound() {
    assertThat(ChatCommand.newAuthorsPerSource("64")).isEqualTo(64);
    assertThat(ChatCommand.newAuthorsPerSource("0")).isZero();
    assertThat(ChatCommand.newAuthorsPerSource("1")).isEqualTo(1);
    assertThat(ChatCommand.newAuthorsPerSource("1000000")).isEqualTo(1_000_000);
    assertThat(ChatCommand.newAuthorsPerSource("off")).isEqualTo(NewAuthors.OFF);
    for (String bad :
        new String[] {
          "",
          "-1",
          "01",
          "1.5",
          "1000001",
          "9999999",
          "2147483648",
          "9223372036854775807",
          "on",
          "64k",
          " 64"
        }) {
      assertThat(ChatCommand.newAuthorsPerSource(bad)).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void aBadValueIsOneClearLineAndTheDefaultIsTheRoomConfigs() {
    ChatCommand c = new ChatCommand();
    new CommandLine(c).parseArgs("--new-authors", "-1");
    assertThat(c.invalid()).isEqualTo("--new-authors must be 0..1000000, or off; got -1");
    ChatCommand d = new ChatCommand();
    new CommandLine(d).parseArgs();
    assertThat(d.invalid()).isNull();
    assertThat(ChatCommand.newAuthorsPerSource(d.newAuthors))
        .isEqualTo(RoomConfig.DEFAULT_NEW_AUTHORS_PER_SOURCE);
    ChatCommand e = new ChatCommand();
    new CommandLine(e).parseArgs("--new-authors", "off");
    assertThat(e.invalid()).isNull();
  }
}

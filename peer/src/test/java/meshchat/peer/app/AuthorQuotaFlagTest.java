package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --author-quota} (docs/operations.md): sizes read exactly, a bad one is one clear line. */
class AuthorQuotaFlagTest {
  @Test
  void sizesAreReadExactlyAndOffIsNoBound() {
    assertThat(ChatCommand.quotaBytes("16M")).isEqualTo(16L << 20);
    assertThat(ChatCommand.quotaBytes("0")).isZero();
    assertThat(ChatCommand.quotaBytes("1")).isEqualTo(1);
    assertThat(ChatCommand.quotaBytes("512K")).isEqualTo(512L << 10);
    assertThat(ChatCommand.quotaBytes("1024G")).isEqualTo(1L << 40);
    assertThat(ChatCommand.quotaBytes("off")).isEqualTo(Long.MAX_VALUE);
    for (String bad :
        new String[] {"", "-1", "01", "1.5M", "16m", "1025G", "1T", "9999999999999", "M", "on"}) {
      assertThat(ChatCommand.quotaBytes(bad)).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void aBadSizeIsOneClearLine() {
    ChatCommand c = new ChatCommand();
    new CommandLine(c).parseArgs("--author-quota", "lots");
    assertThat(c.invalid())
        .isEqualTo("--author-quota must be N, NK, NM or NG (up to 1 TiB), or off; got lots");
    ChatCommand d = new ChatCommand();
    new CommandLine(d).parseArgs();
    assertThat(d.invalid()).isNull();
    assertThat(ChatCommand.quotaBytes(d.authorQuota)).isEqualTo(16L << 20);
  }
}

package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerMainTest {
  @Test
  void jdks17To20GetTheCheaperLocaleDataUnlessSomethingWasChosen() {
    assertThat(PeerMain.localeProviders(17, null)).isEqualTo("COMPAT,CLDR");
    assertThat(PeerMain.localeProviders(20, null)).isEqualTo("COMPAT,CLDR");
    // 21 warns about COMPAT on stderr, later JDKs have none: the terminal stays clean
    assertThat(PeerMain.localeProviders(21, null)).isNull();
    assertThat(PeerMain.localeProviders(25, null)).isNull();
    // JAVA_OPTS=-Djava.locale.providers=... is the user's
    assertThat(PeerMain.localeProviders(17, "CLDR")).isNull();
  }

  @Test
  void nettysLeakDetectionIsOffUnlessALevelWasChosen() {
    assertThat(PeerMain.leakDetection(null, null)).isEqualTo("disabled");
    // JAVA_OPTS=-Dio.netty.leakDetection.level=paranoid (or the older name) is the user's
    assertThat(PeerMain.leakDetection("paranoid", null)).isNull();
    assertThat(PeerMain.leakDetection(null, "advanced")).isNull();
    assertThat(PeerMain.leakDetection("simple", "paranoid")).isNull();
  }

  @Test
  void noCommandOrLeadingFlagsMeanChat() {
    assertThat(PeerMain.withDefaultCommand(new String[0])).containsExactly("chat");
    assertThat(PeerMain.withDefaultCommand(new String[] {"--nick", "a"}))
        .containsExactly("chat", "--nick", "a");
    assertThat(PeerMain.withDefaultCommand(new String[] {"--help"})).containsExactly("--help");
    assertThat(PeerMain.withDefaultCommand(new String[] {"history"})).containsExactly("history");
  }

  @Test
  void thePidReadFromProcIsTheJdksOwn() {
    // the lock file names it, and Netty is told it (io.netty.processId) so as not to ask the JDK
    assertThat(DataDirLock.pid()).isEqualTo(ProcessHandle.current().pid());
  }
}

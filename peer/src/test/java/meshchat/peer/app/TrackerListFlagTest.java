package meshchat.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerListFlagTest {
  @Test
  void aTrackerListIsCommaSeparatedBoundedAndEachEntryChecked() {
    String seventeen =
        IntStream.rangeClosed(1, 17)
            .mapToObj(i -> "10.0.0." + i + ":7070")
            .collect(Collectors.joining(","));
    assertThat(PeerMain.run(new String[] {"chat", "--tracker", seventeen})).isEqualTo(2);
    assertThat(PeerMain.run(new String[] {"chat", "--tracker", "a:7070,b"})).isEqualTo(2);
    assertThat(PeerMain.run(new String[] {"chat", "--tracker", "a:7070,b:99999"})).isEqualTo(2);
    assertThat(PeerMain.run(new String[] {"chat", "--metrics", "x:y"})).isEqualTo(2);
  }

  @Test
  void aFileOfFlagsNamesTheTrackers(@TempDir Path tmp) throws Exception {
    // the file is read: its bad second tracker is refused like one typed on the command line
    Path args = tmp.resolve("ops.args");
    Files.writeString(args, "# the site's trackers\n--room ops\n--tracker t1:7070,t2\n");
    assertThat(PeerMain.run(new String[] {"chat", "@" + args})).isEqualTo(2);
  }
}

package meshchat.testkit.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md's link-protocol hex dumps and test vectors are what the code produces today:
 * change the wire, a hash or a signature and this fails until the doc is regenerated with {@link
 * ProtocolVectors#main} (or from testkit/target/protocol-vectors.md, which this test writes).
 */
class ProtocolVectorsTest {
  @Test
  void everyGeneratedBlockAppearsVerbatimInTheProtocolDoc() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
    Files.writeString(
        Path.of("target", "protocol-vectors.md"), ProtocolVectors.render()); // to copy
    Map<String, String> blocks = ProtocolVectors.link();
    assertThat(blocks).hasSizeGreaterThan(10);
    blocks.forEach(
        (name, block) -> {
          String expected =
              block.contains("\n") && !block.startsWith("`") ? "```\n" + block : block;
          assertThat(doc).as("block %s", name).contains(expected);
        });
  }

  @Test
  void theGeneratorIsDeterministic() {
    assertThat(ProtocolVectors.link()).isEqualTo(ProtocolVectors.link());
  }
}

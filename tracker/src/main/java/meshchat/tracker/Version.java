package meshchat.tracker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints on every command: the version the build wrote into {@code
 * meshchat/version.properties}, so it can never drift from the pom.
 */
public final class Version implements IVersionProvider {
  /** The build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String number() {
    try (InputStream in = Version.class.getResourceAsStream("/meshchat/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "meshchat " + number(),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
    };
  }
}

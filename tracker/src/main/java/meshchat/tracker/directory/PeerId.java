package meshchat.tracker.directory;

import java.util.Arrays;
import java.util.HexFormat;

/** An opaque peer id, compared by content. Immutable: the bytes are copied in and out. */
public final class PeerId {
  private final byte[] bytes;
  private final int hash;

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static PeerId of(byte[] bytes) {
    return new PeerId(bytes.clone());
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The first four bytes in hex: enough to tell peers apart in a log line. */
  public String shortHex() {
    return HexFormat.of().formatHex(bytes, 0, Math.min(4, bytes.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}

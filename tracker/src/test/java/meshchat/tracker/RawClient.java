package meshchat.tracker;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import meshchat.proto.v1.Lookup;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.wire.Framing;

/** A blocking byte-level tracker client: sends exactly what a test says, nothing automatic. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawClient(InetSocketAddress tracker) throws IOException {
    this(tracker, null);
  }

  /** Connects from the loopback address {@code from} (e.g. 127.0.0.2): another source address. */
  RawClient(InetSocketAddress tracker, String from) throws IOException {
    socket =
        from == null
            ? new Socket(tracker.getAddress(), tracker.getPort())
            : new Socket(tracker.getAddress(), tracker.getPort(), InetAddress.getByName(from), 0);
    socket.setSoTimeout(5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  static byte[] frame(TrackerFrame f) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(bytes);
    c.writeUInt32NoTag(f.getSerializedSize());
    f.writeTo(c);
    c.flush();
    return bytes.toByteArray();
  }

  static TrackerFrame register(long requestId, String room, String peer, int port) {
    return TrackerFrame.newBuilder()
        .setRegister(
            Register.newBuilder()
                .setRequestId(requestId)
                .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                .setRoom(room)
                .setPeerId(ByteString.copyFrom(peer, StandardCharsets.UTF_8))
                .setNick(peer)
                .setHost("10.1.2.3")
                .setPort(port))
        .build();
  }

  static TrackerFrame lookup(long requestId, String room) {
    return TrackerFrame.newBuilder()
        .setLookup(
            Lookup.newBuilder()
                .setRequestId(requestId)
                .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                .setRoom(room))
        .build();
  }

  void send(TrackerFrame f) throws IOException {
    sendBytes(frame(f));
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame; fails the test on timeout. */
  TrackerFrame read() throws IOException {
    int length = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      length |= (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return TrackerFrame.parseFrom(payload);
  }

  /** True once the tracker has closed the connection (end of stream). */
  boolean closedByTracker() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** Whether the tracker has sent something not yet read (never blocks). */
  boolean hasInput() throws IOException {
    return in.available() > 0;
  }

  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  static boolean isEof(IOException e) {
    return e instanceof EOFException;
  }
}

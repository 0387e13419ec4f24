package meshchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import meshchat.proto.v1.GetNonce;
import meshchat.proto.v1.Register;
import meshchat.proto.v1.TrackerFrame;
import meshchat.wire.Ed25519;
import meshchat.wire.Framing;
import org.junit.jupiter.api.Test;

/**
 * (rev28 F10) One session pipelines Registers with a real key and a well-formed but wrong
 * signature, and reads its answers. Each used to be verified on the tracker's one directory thread,
 * refused without consequence and unbounded in rate or in queue, so an honest Lookup on another
 * session waited behind them all (over 5 s for 40,000). The {@link
 * meshchat.tracker.pipeline.DirectoryGate} now verifies on the I/O thread, closes the session at
 * its third bad signature, and bounds the frames one session has waiting for the directory.
 */
class BadRegisterFloodTest {
  private static final int FLOOD = 40_000;

  @Test
  void oneSessionsBadRegistersDoNotStallEveryoneElse() throws Exception {
    try (TrackerServer server = TrackerServer.start(TrackerConfig.localTest());
        Socket flood =
            new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        RawClient honest = new RawClient(server.localAddress())) {
      OutputStream out = flood.getOutputStream();
      out.write(
          RawClient.frame(
              TrackerFrame.newBuilder()
                  .setGetNonce(
                      GetNonce.newBuilder()
                          .setRequestId(1)
                          .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION))
                  .build()));
      out.flush();
      InputStream in = flood.getInputStream();
      Thread drain =
          new Thread(
              () -> {
                byte[] b = new byte[65536];
                try {
                  while (in.read(b) >= 0) {
                    // read every answer, so the 4 MiB outbound bound never closes the session
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      drain.setDaemon(true);
      drain.start();

      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] raw = Ed25519.raw(kp.getPublic());
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(kp.getPrivate());
      s.update("not the transcript".getBytes());
      byte[] wrong = s.sign(); // well formed: the verification runs in full and fails
      byte[] one =
          RawClient.frame(
              TrackerFrame.newBuilder()
                  .setRegister(
                      Register.newBuilder()
                          .setRequestId(2)
                          .setProtocolVersion(Framing.TRACKER_PROTOCOL_VERSION)
                          .setRoom("lobby")
                          .setPeerId(ByteString.copyFrom(Ed25519.fingerprint(raw)))
                          .setNick("flood")
                          .setHost("10.1.2.3")
                          .setPort(7000)
                          .setPublicKey(ByteString.copyFrom(raw))
                          .setSignature(ByteString.copyFrom(wrong))
                          .setTimestampMs(System.currentTimeMillis()))
                  .build());
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int i = 0; i < FLOOD; i++) {
        all.write(one);
      }
      boolean cut = false;
      try {
        out.write(all.toByteArray());
        out.flush();
      } catch (SocketException e) {
        cut = true; // the tracker closed the flooding session before it took it all
      }

      long start = System.nanoTime();
      honest.send(RawClient.lookup(7, "lobby"));
      TrackerFrame answer;
      try {
        answer = honest.read();
      } catch (java.net.SocketTimeoutException e) {
        answer = null;
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "%d bad Registers (%d bytes) on one session%s; an honest Lookup answered after %d ms (%s)%n",
          FLOOD,
          all.size(),
          cut ? " (cut off by the tracker)" : "",
          ms,
          answer == null ? "no answer within 5 s" : answer.getBodyCase());
      assertThat(answer).as("an honest Lookup's answer within RawClient's 5 s").isNotNull();
      assertThat(ms)
          .as("ms an honest Lookup waited behind one session's Registers")
          .isLessThan(1_000);
    }
  }
}

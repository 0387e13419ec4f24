package meshchat.tracker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import meshchat.proto.v1.Error;
import meshchat.proto.v1.MemberJoined;
import meshchat.proto.v1.MemberLeft;
import meshchat.tracker.client.TrackerListener;

/** Records what a tracker pushed, for assertions with Awaitility. */
final class Recorder implements TrackerListener {
  final List<MemberJoined> joined = new CopyOnWriteArrayList<>();
  final List<MemberLeft> left = new CopyOnWriteArrayList<>();
  final List<Error> errors = new CopyOnWriteArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public void memberJoined(MemberJoined j) {
    joined.add(j);
  }

  @Override
  public void memberLeft(MemberLeft l) {
    left.add(l);
  }

  @Override
  public void error(Error e) {
    errors.add(e);
  }

  @Override
  public void closed() {
    closed.set(true);
  }
}

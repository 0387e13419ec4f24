package meshchat.peer.runtime;

/** A free loopback port for tests that start a tracker later. */
public final class LocalMeshPorts {
  private LocalMeshPorts() {}

  public static int free() {
    return LocalMesh.freePort();
  }
}

package dev.tfgraph.graph.dist;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import dev.tfgraph.graph.RunFailedException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A TF-Java {@link Session} whose target is a TF server ("grpc://host:port"), so that its graph
 * runs on the cluster that server belongs to. TF-Java 1.1.0's public Session takes no target, so
 * this opens the session through the C API (TF_SetTarget on the session options, as TF's own
 * clients do) and hands it to Session's package-private constructor: from there it is an ordinary
 * Session, with Runner, feeds and fetches. The two reflective calls are checked once, here.
 */
public final class RemoteSession {
  private RemoteSession() {}

  /**
   * @param graph the graph, complete
   * @param target "grpc://host:port" of a TF server
   * @param config the session's configuration, or null
   * @return the session
   * @throws IllegalArgumentException if target does not start with grpc://
   * @throws dev.tfgraph.graph.RunFailedException if the session cannot be opened
   * @throws IllegalStateException if this TF-Java version does not have the constructor used
   */
  public static Session open(Graph graph, String target, ConfigProto config) {
    if (!target.startsWith("grpc://")) throw new IllegalArgumentException("target must be grpc://host:port, received " + target);
    TF_Graph g = nativeGraph(graph);
    TF_Session s;
    try (PointerScope scope = new PointerScope()) {
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions opts = TF_SessionOptions.newSessionOptions();
      if (config != null) {
        BytePointer bytes = new BytePointer(config.toByteArray());
        TF_SetConfig(opts, bytes, bytes.capacity(), status);
        status.throwExceptionIfNotOK();
      }
      TF_SetTarget(opts, target);
      s = TF_Session.newSession(g, opts, status);
      try {
        status.throwExceptionIfNotOK();
      } catch (RuntimeException e) {
        throw new RunFailedException("cannot open a session on " + target + ": " + e.getMessage(), e);
      }
      s = (TF_Session) s.retainReference();
    }
    try {
      Constructor<Session> c = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      c.setAccessible(true);
      return c.newInstance(graph, s);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("TF-Java's Session(Graph, TF_Session) is not there: this TF-Java version is not supported", e);
    }
  }

  /**
   * Closes a remote session and then its graph, giving up after {@code waitMs}: on a cluster whose
   * task died, TF_CloseSession blocks (measured), so the close runs on a daemon thread and is
   * abandoned if it does not return; the process is ending or starting over. Returns whether it closed.
   * @param session the session, or null
   * @param graph its graph
   * @param waitMs how long to wait, in milliseconds
   * @return true if both closed in time
   */
  public static boolean close(Session session, Graph graph, long waitMs) {
    Thread t = new Thread(() -> {
      if (session != null) session.close();
      graph.close();
    }, "tfgraph-close-remote-session");
    t.setDaemon(true);
    t.start();
    try {
      t.join(waitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  static TF_Graph nativeGraph(Graph graph) {
    try {
      Method ref = Graph.class.getDeclaredMethod("ref");
      ref.setAccessible(true);
      Object r = ref.invoke(graph);
      Method nh = r.getClass().getDeclaredMethod("nativeHandle");
      nh.setAccessible(true);
      TF_Graph g = (TF_Graph) nh.invoke(r);
      ((AutoCloseable) r).close();
      return g;
    } catch (Exception e) {
      throw new IllegalStateException("TF-Java's Graph.ref().nativeHandle() is not there: this TF-Java version is not supported", e);
    }
  }
}

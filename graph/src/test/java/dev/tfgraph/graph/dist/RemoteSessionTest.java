package dev.tfgraph.graph.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The feasibility question of issue 9, kept as a test: a session with a grpc:// target on loopback
 * runs an op on another task's device. The servers live until the test JVM exits (TF's gRPC server
 * has no clean shutdown); the cluster is on free ports of 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteSessionTest {
  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void runsAnOpOnAnotherTasksDeviceThroughAGrpcTarget() throws Exception {
    ClusterSpec c = ClusterSpec.parse(new ObjectMapper().readTree("{\"cluster\": {\"worker\": [\"127.0.0.1:" + freePort()
        + "\", \"127.0.0.1:" + freePort() + "\"]}}"), "test");
    Cluster.serve(c, new ClusterSpec.Task("worker", 0), 1);
    Cluster.serve(c, new ClusterSpec.Task("worker", 1), 1);
    Graph g = new Graph();
    Ops tf = Ops.create(g);
    Ops onTask1 = tf.withDevice(DeviceSpec.newBuilder().job("worker").replica(0).task(1).deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
    var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    var y = onTask1.math.mul(x, onTask1.constant(2f));
    Session s = RemoteSession.open(g, "grpc://" + c.address(new ClusterSpec.Task("worker", 0)), null);
    try (TFloat32 in = TFloat32.scalarOf(21f); Result r = s.runner().feed(x, in).fetch(y).run()) {
      assertEquals(42f, ((TFloat32) r.get(0)).getFloat());
    }
    assertTrue(RemoteSession.close(s, g, 10_000), "closing a healthy remote session returns");
  }

  @Test
  void aTargetMustBeGrpc() {
    try (Graph g = new Graph()) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> RemoteSession.open(g, "localhost:2222", null))
          .getMessage().contains("grpc://host:port"));
    }
  }

  @Test
  void aTaskWhosePortIsTakenSaysSo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ClusterSpec c = ClusterSpec.parse(new ObjectMapper().readTree("{\"cluster\": {\"worker\": [\"127.0.0.1:" + taken.getLocalPort() + "\"]}}"), "test");
      String m = assertThrows(dev.tfgraph.graph.RunFailedException.class, () -> Cluster.serve(c, new ClusterSpec.Task("worker", 0), 1)).getMessage();
      assertTrue(m.contains("is not free"), m);
    }
  }
}

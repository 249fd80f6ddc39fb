import org.tensorflow.*;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.*;
import org.tensorflow.internal.c_api.*;
import static org.tensorflow.internal.c_api.global.tensorflow.*;
import java.lang.reflect.Method;
import java.net.ServerSocket;

/**
 * Issue 9 feasibility spike (not part of the build): a C-API session with a grpc:// target runs an op placed on
 * /job:worker/task:1 of a two-task loopback cluster. Printed 42.0 on 2026-11-25. Run from the repository root:
 *   CP="export/target/classes:layers/target/classes:graph/target/classes:$(cat export/target/classpath.txt)"
 *   javac -cp "$CP" -d /tmp/spike spikes/GrpcTargetSpike.java && java -cp "/tmp/spike:$CP" GrpcTargetSpike
 * Findings: TF_SetTarget + TF_NewSession + TF_SessionRun work through the bundled bindings; the graph and
 * operation handles are reached by reflection (Graph.ref().nativeHandle(), GraphOperation.getUnsafeNativeHandle()).
 * Closing the remote session and stopping the servers hung in a JUnit attempt (hence System.exit here), and an
 * op placed on a task outside the cluster made the run wait instead of failing: both need handling first.
 */
public class GrpcTargetSpike {
  static int freePort() throws Exception { try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); } }
  public static void main(String[] a) throws Exception {
    int p0 = freePort(), p1 = freePort();
    ClusterDef cluster = ClusterDef.newBuilder().addJob(JobDef.newBuilder().setName("worker")
        .putTasks(0, "localhost:" + p0).putTasks(1, "localhost:" + p1)).build();
    Server s0 = new Server(ServerDef.newBuilder().setCluster(cluster).setJobName("worker").setTaskIndex(0).setProtocol("grpc").build());
    Server s1 = new Server(ServerDef.newBuilder().setCluster(cluster).setJobName("worker").setTaskIndex(1).setProtocol("grpc").build());
    s0.start(); s1.start();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var c = tf.withDevice(DeviceSpec.newBuilder().job("worker").replica(0).task(1).deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build()).constant(21f);
      var y = tf.withDevice(DeviceSpec.newBuilder().job("worker").replica(0).task(1).deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build()).math.mul(c, tf.constant(2f));
      Method ref = Graph.class.getDeclaredMethod("ref"); ref.setAccessible(true);
      Object r = ref.invoke(g);
      Method nh = r.getClass().getDeclaredMethod("nativeHandle"); nh.setAccessible(true);
      TF_Graph gh = (TF_Graph) nh.invoke(r);
      Method oh = GraphOperation.class.getDeclaredMethod("getUnsafeNativeHandle"); oh.setAccessible(true);
      TF_Operation yop = (TF_Operation) oh.invoke(y.op());
      TF_Status st = TF_NewStatus();
      TF_SessionOptions opts = TF_NewSessionOptions();
      TF_SetTarget(opts, "grpc://localhost:" + p0);
      TF_Session sess = TF_NewSession(gh, opts, st);
      System.out.println("new session: " + TF_GetCode(st) + " " + TF_Message(st).getString());
      TF_Output out = new TF_Output(1); out.oper(yop).index(0);
      org.bytedeco.javacpp.PointerPointer<TF_Tensor> vals = new org.bytedeco.javacpp.PointerPointer<>(1);
      TF_SessionRun(sess, null, null, (org.bytedeco.javacpp.PointerPointer) null, 0, out, vals, 1, (org.bytedeco.javacpp.PointerPointer) null, 0, null, st);
      System.out.println("run: " + TF_GetCode(st) + " " + TF_Message(st).getString());
      if (TF_GetCode(st) == 0) {
        TF_Tensor t = vals.get(TF_Tensor.class, 0);
        float v = new org.bytedeco.javacpp.FloatPointer(TF_TensorData(t)).get(0);
        System.out.println("value computed on /job:worker/task:1 through grpc://localhost:" + p0 + " = " + v);
      }
    }
    s0.stop(); s1.stop();
    System.exit(0);
  }
}

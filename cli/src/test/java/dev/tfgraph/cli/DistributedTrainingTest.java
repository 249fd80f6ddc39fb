package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on TF's distributed runtime, on loopback: every task is a child process
 * (`tfgraph worker`, and the chief `tfgraph train --cluster`), on ports chosen free at run time,
 * killed after each test. TF's gRPC server has no clean shutdown, so processes are the unit.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DistributedTrainingTest {
  static final Path SPEC = Path.of("..", "testdata", "dist", "small-convnet.json");
  static final String DATA = Path.of("..", "testdata", "fashion").toString();
  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : processes) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A cluster of {@code workers} workers and {@code ps} parameter servers on free loopback ports. */
  Path cluster(int workers, int ps) throws Exception {
    List<String> w = new ArrayList<>(), p = new ArrayList<>();
    for (int i = 0; i < workers; i++) w.add("\"127.0.0.1:" + freePort() + "\"");
    for (int i = 0; i < ps; i++) p.add("\"127.0.0.1:" + freePort() + "\"");
    Path f = dir.resolve("cluster-" + workers + "-" + ps + ".json");
    Files.writeString(f, "{\"cluster\": {\"worker\": [" + String.join(", ", w) + "]"
        + (ps > 0 ? ", \"ps\": [" + String.join(", ", p) + "]" : "") + "}}");
    return f;
  }

  Process start(String name, String... args) throws Exception {
    Process p = FaultInjectionTest.start(dir.resolve(name + ".log"), args);
    processes.add(p);
    return p;
  }

  /** Starts `tfgraph worker` for a task and waits until it says it serves. */
  Process worker(Path cluster, String task) throws Exception {
    String name = "task-" + task.replace(':', '-') + "-" + processes.size();
    Process p = start(name, "worker", "--cluster", cluster.toString(), "--task", task);
    Path log = dir.resolve(name + ".log");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("\"status\":\"serving\"")) return p;
      assertTrue(p.isAlive(), () -> "worker " + task + " exited: " + read(log));
      Thread.sleep(100);
    }
    throw new AssertionError("worker " + task + " did not serve within 60 s: " + read(log));
  }

  static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (Exception e) {
      return "(no log)";
    }
  }

  /** Runs a command to completion (bounded) and returns {exit code, log}. */
  Object[] run(String name, String... args) throws Exception {
    Process p = start(name, args);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), name + " did not finish in 240 s: " + read(dir.resolve(name + ".log")));
    return new Object[] {p.exitValue(), read(dir.resolve(name + ".log"))};
  }

  static double maxDiff(Map<String, NpyArray> a, Map<String, NpyArray> b) {
    assertEquals(a.keySet(), b.keySet());
    double d = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k).toFloats(), y = b.get(k).toFloats();
      assertEquals(x.length, y.length, k);
      for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
    }
    return d;
  }

  @Test
  void twoWorkersAndAParameterServerEqualOneProcessWithTheCombinedBatch() throws Exception {
    Path c = cluster(2, 1);
    worker(c, "ps:0");
    worker(c, "worker:1");
    Path dist = dir.resolve("dist.npz"), local = dir.resolve("local.npz");
    String[] common = {"--spec", SPEC.toString(), "--data", DATA, "--batch-size", "64", "--max-steps", "25", "--seed", "3", "--quiet"};
    Object[] chief = run("chief", concat(new String[] {"train", "--cluster", c.toString(), "--task", "worker:0",
        "--save-weights", dist.toString()}, common));
    assertEquals(0, chief[0], (String) chief[1]);
    assertTrue(((String) chief[1]).contains("\"replicas\":2"), (String) chief[1]);
    Object[] single = run("single", concat(new String[] {"train", "--save-weights", local.toString()}, common));
    assertEquals(0, single[0], (String) single[1]);
    Map<String, NpyArray> a = Npz.read(dist), b = Npz.read(local);
    double d = maxDiff(a, b);
    // 25 Adam steps in float32; the two differ only in summation order (two shard sums vs one mean)
    System.out.println("max |distributed - single| after 25 steps: " + d);
    assertTrue(d < 1e-5, "max |distributed - single| = " + d);
    // and they did train: the weights moved away from the initial values by far more than that
    try (ModelRuntime mg = ModelRuntime.inference(Model.load(SPEC))) {
      assertTrue(maxDiff(a, mg.initialValues(3)) > 1e-2);
    }
  }

  /** A model of two inputs (testdata/graphs/residual.json) trains on the cluster as in one process. */
  @Test
  void aTwoInputModelTrainsOnTheClusterAsInOneProcess() throws Exception {
    Path c = cluster(2, 1);
    worker(c, "ps:0");
    worker(c, "worker:1");
    Path g = Path.of("..", "testdata", "graphs");
    Path y = dir.resolve("y.npy");
    dev.tfgraph.graph.io.Npy.write(y, NpyArray.ofLongs(new long[] {6}, new long[] {0, 1, 2, 3, 1, 2}));
    Path dist = dir.resolve("dist.npz"), local = dir.resolve("local.npz");
    String[] common = {"--spec", g.resolve("residual.json").toString(), "--x", g.resolve("residual_inputs.npz").toString(),
        "--y", y.toString(), "--batch-size", "6", "--epochs", "10", "--seed", "3", "--quiet"};
    Object[] chief = run("chief", concat(new String[] {"train", "--cluster", c.toString(), "--task", "worker:0",
        "--save-weights", dist.toString()}, common));
    assertEquals(0, chief[0], (String) chief[1]);
    assertTrue(((String) chief[1]).contains("\"replicas\":2"), (String) chief[1]);
    Object[] single = run("single", concat(new String[] {"train", "--save-weights", local.toString()}, common));
    assertEquals(0, single[0], (String) single[1]);
    double d = maxDiff(Npz.read(dist), Npz.read(local));
    assertTrue(d < 1e-5, "max |distributed - single| = " + d);
  }

  /**
   * A worker dies: the chief names it and stops (exit 3) with its last checkpoint intact. The
   * cluster is then restarted (on other ports, as a rescheduled job would be) and the chief run
   * again with --resume: it continues from that checkpoint to the weights of an uninterrupted run.
   */
  @Test
  void aWorkerThatDiesIsNamedAndARestartedClusterResumesExactly() throws Exception {
    String[] common = {"--spec", SPEC.toString(), "--data", DATA, "--epochs", "3", "--batch-size", "64", "--seed", "5", "--quiet"};
    Path c = cluster(2, 1);
    worker(c, "ps:0");
    Process w1 = worker(c, "worker:1");
    Path ck = dir.resolve("ck");
    Process chief = start("chief", concat(new String[] {"train", "--cluster", c.toString(), "--checkpoint-dir", ck.toString()}, common));
    waitFor(ck.resolve("checkpoint.json"), chief);
    w1.destroyForcibly().waitFor();
    assertTrue(chief.waitFor(120, TimeUnit.SECONDS), "the chief did not stop within 120 s of the worker's death");
    String log = read(dir.resolve("chief.log"));
    assertEquals(3, chief.exitValue(), log);
    assertTrue(log.contains("worker:1") && log.contains("does not answer"), log);
    assertTrue(Files.exists(ck.resolve("checkpoint.json")));

    Path c2 = cluster(2, 1);
    worker(c2, "ps:0");
    worker(c2, "worker:1");
    Path resumed = dir.resolve("resumed.npz");
    Object[] again = run("chief-resumed", concat(new String[] {"train", "--cluster", c2.toString(), "--checkpoint-dir", ck.toString(),
        "--resume", "--save-weights", resumed.toString()}, common));
    assertEquals(0, again[0], (String) again[1]);

    Path c3 = cluster(2, 1);
    worker(c3, "ps:0");
    worker(c3, "worker:1");
    Path ref = dir.resolve("ref.npz");
    Object[] reference = run("reference", concat(new String[] {"train", "--cluster", c3.toString(), "--save-weights", ref.toString()}, common));
    assertEquals(0, reference[0], (String) reference[1]);
    long stepsResumed = steps((String) again[1]), stepsAll = steps((String) reference[1]);
    assertTrue(stepsResumed > 0 && stepsResumed < stepsAll, "resumed " + stepsResumed + " of " + stepsAll + " steps: " + again[1]);
    double d = maxDiff(Npz.read(resumed), Npz.read(ref));
    System.out.println("max |restarted cluster, resumed - uninterrupted|: " + d + " (" + stepsResumed + " of " + stepsAll + " steps after the restart)");
    assertTrue(d < 1e-6, "the resumed run differs from the uninterrupted one by " + d);
  }

  @Test
  void withOnFailureWaitALostParameterServerIsWaitedForAndTheRunResumesExactly() throws Exception {
    Path c = cluster(2, 1);
    Process ps = worker(c, "ps:0");
    worker(c, "worker:1");
    String[] common = {"--spec", SPEC.toString(), "--data", DATA, "--epochs", "3", "--batch-size", "64", "--seed", "5", "--quiet"};
    Path ref = dir.resolve("ref.npz");
    Object[] uninterrupted = run("reference", concat(new String[] {"train", "--cluster", c.toString(), "--save-weights", ref.toString()}, common));
    assertEquals(0, uninterrupted[0], (String) uninterrupted[1]);

    // a second cluster: the first chief's server lives on in no process, but its ports are not reused
    Path c2 = cluster(2, 1);
    ps = worker(c2, "ps:0");
    worker(c2, "worker:1");
    Path ck = dir.resolve("ck"), out = dir.resolve("resumed.npz"), serving = dir.resolve("serving");
    Process chief = start("chief2", concat(new String[] {"train", "--cluster", c2.toString(), "--checkpoint-dir", ck.toString(),
        "--on-failure", "wait", "--save-weights", out.toString(), "--export", serving.toString()}, common));
    waitFor(ck.resolve("checkpoint.json"), chief);
    ps.destroyForcibly().waitFor();       // the variables are gone with it
    Thread.sleep(1500);
    worker(c2, "ps:0");
    assertTrue(chief.waitFor(180, TimeUnit.SECONDS), "the chief did not finish after the parameter server came back");
    String log = read(dir.resolve("chief2.log"));
    assertEquals(0, chief.exitValue(), log);
    if (log.contains("\"restarts\":1")) {
      assertTrue(log.contains("ps:0") && log.contains("resuming from the last checkpoint"), log);
    } else {
      // the run ended before the loss was noticed: then there was nothing to resume
      assertTrue(log.contains("\"restarts\":0"), log);
    }
    double d = maxDiff(Npz.read(out), Npz.read(ref));
    System.out.println("max |resumed - uninterrupted|: " + d + (log.contains("\"restarts\":1") ? " (1 restart)" : " (no restart)"));
    assertTrue(d < 1e-5, "resumed run differs from the uninterrupted one by " + d + "\n" + log);
    // the chief exported the trained model (verified in a child JVM before it was published)
    try (var versions = Files.list(serving)) {
      assertEquals(1, versions.filter(v -> v.getFileName().toString().matches("[0-9]+")).count(), log);
    }
  }

  @Test
  void onlyTheChiefTrainsAndMissingTasksAreNamed() throws Exception {
    Path c = cluster(2, 1);
    Object[] notChief = run("not-chief", "train", "--spec", SPEC.toString(), "--data", DATA, "--cluster", c.toString(), "--task", "worker:1", "--quiet");
    assertEquals(2, notChief[0], (String) notChief[1]);
    assertTrue(((String) notChief[1]).contains("is not the chief"), (String) notChief[1]);
    Object[] outside = run("outside", "worker", "--cluster", c.toString(), "--task", "worker:5");
    assertEquals(2, outside[0], (String) outside[1]);
    assertTrue(((String) outside[1]).contains("outside the cluster"), (String) outside[1]);
    Object[] nobody = run("nobody", "train", "--spec", SPEC.toString(), "--data", DATA, "--cluster", c.toString(), "--connect-timeout", "2", "--quiet");
    assertEquals(3, nobody[0], (String) nobody[1]);
    assertTrue(((String) nobody[1]).contains("worker:1") && ((String) nobody[1]).contains("ps:0"), (String) nobody[1]);
  }

  private void waitFor(Path file, Process p) throws Exception {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (!Files.exists(file)) {
      assertTrue(p.isAlive(), "exited before " + file + " appeared");
      assertTrue(System.nanoTime() < deadline, file + " did not appear within 180 s");
      Thread.sleep(50);
    }
  }

  /** The "steps" of a train command's JSON summary: the steps this run took. */
  static long steps(String log) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"steps\":([0-9]+)").matcher(log);
    assertTrue(m.find(), log);
    return Long.parseLong(m.group(1));
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package dev.tfgraph.graph.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.callbacks.Checkpoints;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.train.TrainOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * The chief's restart policy, from Java, on one host: the cluster's tasks are plain sockets on loopback (the policy
 * only needs them to answer a TCP connect), and each attempt is a function that fails as a lost task would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestartPolicyTest {
  private final List<ServerSocket> tasks = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (ServerSocket s : tasks) s.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  ServerSocket answer(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    tasks.add(s);
    return s;
  }

  /** A chief and a worker, both answering unless {@code workerUp} is false. */
  ClusterSpec cluster(int chief, int worker, boolean workerUp) throws Exception {
    answer(chief);
    if (workerUp) answer(worker);
    return ClusterSpec.parse(new ObjectMapper().readTree("{\"cluster\": {\"chief\": [\"127.0.0.1:" + chief + "\"], \"worker\": [\"127.0.0.1:"
        + worker + "\"]}}"), "test");
  }

  static ClusterFailure lost(ClusterSpec c) {
    return ClusterFailure.of(c, "step 3", new RuntimeException("the step timed out"));
  }

  static TrainOptions options(Path ck) {
    return TrainOptions.builder().checkpointDir(ck).build();
  }

  static void checkpoint(Path ck, int epoch) {
    Checkpoints.save(ck, new Checkpoints.State(epoch, epoch * 10L),
        Map.of("w", NpyArray.ofFloats(new long[] {1}, new float[] {epoch})));
  }

  @Test
  void stopFailsAtTheFirstClusterFailure(@TempDir Path d) throws Exception {
    ClusterSpec c = cluster(freePort(), freePort(), true);
    int[] attempts = {0};
    ClusterFailure f = lost(c);
    assertSame(f, assertThrows(ClusterFailure.class, () -> RestartPolicy.stop().run(c, options(d), o -> {
      attempts[0]++;
      throw f;
    })));
    assertEquals(1, attempts[0]);
  }

  /** Fails before the first checkpoint (starts over), then after one (resumes), then finishes: two restarts. */
  @Test
  void waitRestartsFromTheLastCheckpointOrFromTheStart(@TempDir Path d) throws Exception {
    ClusterSpec c = cluster(freePort(), freePort(), true);
    Path ck = d.resolve("ck");
    List<Boolean> resumed = new ArrayList<>();
    RestartPolicy.Outcome<String> out = RestartPolicy.waitFor(5_000).run(c, options(ck), o -> {
      resumed.add(o.resume());
      if (resumed.size() == 1) throw lost(c);
      if (resumed.size() == 2) {
        checkpoint(ck, 1);
        throw lost(c);
      }
      return "done";
    });
    assertEquals("done", out.result());
    assertEquals(2, out.restarts());
    assertEquals(List.of(false, false, true), resumed);
  }

  /** A run that starts the folder over: the old run's index is not this run's checkpoint; once it wrote one, it resumes. */
  @Test
  void aRunThatStartedOverDoesNotResumeTheOldRunsCheckpoint(@TempDir Path d) throws Exception {
    ClusterSpec c = cluster(freePort(), freePort(), true);
    Path ck = d.resolve("ck");
    checkpoint(ck, 7);   // the old run's
    TrainOptions start = TrainOptions.builder().checkpointDir(ck).overwriteCheckpoints(true).build();
    List<String> seen = new ArrayList<>();
    RestartPolicy.waitFor(5_000).run(c, start, o -> {
      seen.add(o.resume() + "/" + o.overwriteCheckpoints());
      if (seen.size() == 1) throw lost(c);
      if (seen.size() == 2) {
        checkpoint(ck, 1);
        throw lost(c);
      }
      return null;
    });
    assertEquals(List.of("false/true", "false/true", "true/false"), seen);
  }

  /** A task that is down when the run fails: the policy waits for it to answer again, then restarts. */
  @Test
  void waitsForALostTaskToComeBack(@TempDir Path d) throws Exception {
    int worker = freePort();
    ClusterSpec c = cluster(freePort(), worker, false);
    Thread back = new Thread(() -> {
      try {
        Thread.sleep(1500);
        answer(worker);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    int[] attempts = {0};
    back.start();
    long t0 = System.nanoTime();
    RestartPolicy.Outcome<Integer> out = RestartPolicy.waitFor(20_000).run(c, options(d.resolve("ck")), o -> {
      if (++attempts[0] == 1) throw lost(c);
      return attempts[0];
    });
    back.join();
    assertEquals(1, out.restarts());
    assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "restarted only once the worker answered");
  }

  @Test
  void givesUpAfterItsRestartsAndOnAnyOtherFailure(@TempDir Path d) throws Exception {
    ClusterSpec c = cluster(freePort(), freePort(), true);
    int[] attempts = {0};
    RestartPolicy twice = new RestartPolicy(Cluster.OnFailure.WAIT, 5_000, 2);
    assertThrows(ClusterFailure.class, () -> twice.run(c, options(d.resolve("ck")), o -> {
      attempts[0]++;
      throw lost(c);
    }));
    assertEquals(3, attempts[0], "the first attempt and two restarts");
    attempts[0] = 0;
    assertThrows(RunFailedException.class, () -> twice.run(c, options(d.resolve("ck")), o -> {
      attempts[0]++;
      throw new RunFailedException("not the cluster's");
    }));
    assertEquals(1, attempts[0]);
    String m = assertThrows(BadInputException.class, () -> RestartPolicy.waitFor(1000).run(c, TrainOptions.builder().build(), o -> 1)).getMessage();
    assertTrue(m.contains("needs a checkpoint folder"), m);
    assertFalse(assertThrows(BadInputException.class, () -> new RestartPolicy(Cluster.OnFailure.WAIT, 1, -1)).getMessage().isEmpty());
  }
}

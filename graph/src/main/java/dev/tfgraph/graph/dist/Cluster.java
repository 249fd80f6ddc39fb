package dev.tfgraph.graph.dist;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Server;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;

/**
 * TF's own distributed runtime, driven from Java: a gRPC server per task ({@link #serve}), and the
 * chief's side of data-parallel training: {@link #startChief} serves the chief, waits for every task
 * and sets the {@link DataParallel} strategy the trainer calls; when a task stops answering, the run
 * either stops with its name or {@link #recover}s (waits for it) and resumes from the last checkpoint,
 * as its {@link RestartPolicy} says.
 */
public final class Cluster {
  private Cluster() {}

  /** Where waiting for tasks, a failure and the restart are reported (INFO and WARNING). */
  private static final System.Logger LOG = System.getLogger(Cluster.class.getName());

  /** What the chief does when a task stops answering. */
  public enum OnFailure {
    /** The run fails with the {@link ClusterFailure} that names the task. */
    STOP,
    /** The run waits for every task to answer again and resumes from its last checkpoint. */
    WAIT
  }

  /**
   * Starts the TF server of one task and returns it (it serves until the process ends: TF's gRPC
   * server has no clean shutdown, so stop the process, not the server).
   * @param cluster the cluster
   * @param task the task served, one of the cluster's
   * @param threads the task's intra- and inter-op threads, 0 for TF's default
   * @return the started server
   * @throws dev.tfgraph.graph.BadInputException if the task is not one of the cluster's
   * @throws dev.tfgraph.graph.RunFailedException if its port is taken or TF's server does not start
   */
  public static Server serve(ClusterSpec cluster, ClusterSpec.Task task, int threads) {
    String address = cluster.address(task);
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new RunFailedException("task " + task + ": port " + port + " (" + address + ") is not free: " + e.getMessage());
    }
    ServerDef.Builder def = cluster.serverDef(task).toBuilder();
    // the task's CPU device and its thread pools are made when the server starts, from this config
    if (threads > 0) def.setDefaultSessionConfig(ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads));
    Server s = new Server(def.build());
    try {
      s.start();
    } catch (RuntimeException e) {
      throw new RunFailedException("task " + task + ": TF's server did not start on " + address + ": " + e.getMessage(), e);
    }
    return s;
  }

  /**
   * Waits until every task answers; fails naming the ones that did not within the timeout.
   * @param cluster the cluster
   * @param timeoutMs how long to wait, in milliseconds
   * @param progress whether to log the tasks still awaited (every 10 s, INFO)
   * @throws dev.tfgraph.graph.RunFailedException if a task does not answer in time, or the thread is
   *     interrupted
   */
  public static void await(ClusterSpec cluster, long timeoutMs, boolean progress) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    long nextReport = 0;
    while (true) {
      List<ClusterSpec.Task> down = ClusterFailure.unreachable(cluster, 1000);
      if (down.isEmpty()) return;
      long now = System.nanoTime();
      if (now > deadline) {
        throw new RunFailedException("cluster: after " + timeoutMs / 1000 + " s, task(s) " + describe(cluster, down)
            + " still do not answer; start a worker process for each task (the worker command)");
      }
      if (progress && now > nextReport) {
        LOG.log(System.Logger.Level.INFO, "waiting for " + describe(cluster, down));
        nextReport = now + 10_000_000_000L;
      }
      sleep(250);
    }
  }

  static String describe(ClusterSpec cluster, List<ClusterSpec.Task> tasks) {
    return String.join(", ", tasks.stream().map(t -> t + " (" + cluster.address(t) + ")").toList());
  }

  /**
   * The chief's side of data-parallel training, before the trainer runs: checks that this task is
   * the chief (and that waiting for failed tasks has a checkpoint to resume from), serves the
   * chief's task with {@code threads} (0: TF's default), waits up to {@code connectMs} for every other
   * task, and returns the strategy ({@link DataParallel} on this cluster) for the trainer's options.
   * @param cluster the cluster; its task, if set, must be the chief
   * @param checkpointDir the run's checkpoint folder, or null (then onFailure must be STOP)
   * @param threads the chief task's intra- and inter-op threads, 0 for TF's default
   * @param progress whether to log the tasks still awaited
   * @param stepTimeoutMs a training step that takes longer fails, in milliseconds (0: no limit)
   * @param onFailure what the run does when a task stops answering
   * @param connectMs how long to wait for every task, in milliseconds
   * @return the strategy to set in the trainer's options
   * @throws dev.tfgraph.graph.BadInputException if this task is not the chief, or onFailure is WAIT without a
   *     checkpoint folder
   * @throws dev.tfgraph.graph.RunFailedException if the chief's server does not start or a task does not
   *     answer in time
   */
  public static DataParallel startChief(ClusterSpec cluster, Path checkpointDir, int threads, boolean progress, long stepTimeoutMs,
      OnFailure onFailure, long connectMs) {
    if (cluster.task() != null && !cluster.task().equals(cluster.chief())) {
      throw new BadInputException("cluster: task " + cluster.task() + " is not the chief (" + cluster.chief()
          + "); it runs a worker process (the worker command), not the training: task " + cluster.task());
    }
    if (onFailure == OnFailure.WAIT && checkpointDir == null) {
      throw new BadInputException("cluster: waiting for failed tasks (on_failure wait) needs a checkpoint folder: the run resumes from the last checkpoint");
    }
    serve(cluster, cluster.chief(), threads);
    await(cluster, connectMs, progress);
    return new DataParallel(cluster, stepTimeoutMs);
  }

  /**
   * After a cluster failure of a run that waits (on_failure wait): reports it, waits up to
   * {@code waitMs} for every task to answer again, and returns whether the run resumes from the
   * last checkpoint in {@code checkpointDir} (false: none yet, it starts over). Failures and
   * resumptions are reported even when progress is off: they change what the run did.
   * @param f the failure
   * @param cluster the cluster
   * @param checkpointDir the run's checkpoint folder
   * @param waitMs how long to wait for every task, in milliseconds
   * @return true to resume from the last checkpoint, false to start over
   * @throws dev.tfgraph.graph.RunFailedException if a task does not answer in time
   */
  public static boolean recover(ClusterFailure f, ClusterSpec cluster, Path checkpointDir, long waitMs) {
    return recover(f, cluster, checkpointDir, waitMs, null);
  }

  /**
   * As {@link #recover(ClusterFailure, ClusterSpec, Path, long)} for a run that started the folder
   * over: a checkpoint index whose digest is still {@code replacedIndex} ({@link
   * dev.tfgraph.graph.callbacks.CheckpointFolder#indexDigest}, taken when the run started) is the old run's, not
   * one of this run, and the run starts over again.
   * @param f the failure
   * @param cluster the cluster
   * @param checkpointDir the run's checkpoint folder
   * @param waitMs how long to wait for every task, in milliseconds
   * @param replacedIndex the digest of the old run's checkpoint index, or null
   * @return true to resume from the last checkpoint, false to start over
   * @throws dev.tfgraph.graph.RunFailedException if a task does not answer in time
   */
  public static boolean recover(ClusterFailure f, ClusterSpec cluster, Path checkpointDir, long waitMs, String replacedIndex) {
    LOG.log(System.Logger.Level.WARNING, f.getMessage() + "; waiting up to " + waitMs / 1000 + " s for the cluster");
    await(cluster, waitMs, true);
    boolean resume = hasCheckpoint(checkpointDir)
        && (replacedIndex == null || !replacedIndex.equals(dev.tfgraph.graph.callbacks.CheckpointFolder.indexDigest(checkpointDir)));
    LOG.log(System.Logger.Level.WARNING, "cluster answers again; " + (resume ? "resuming from the last checkpoint" : "no checkpoint yet, starting over"));
    return resume;
  }

  private static boolean hasCheckpoint(Path dir) {
    return Files.exists(dir.resolve("checkpoint.json"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailedException("interrupted while waiting for the cluster");
    }
  }
}

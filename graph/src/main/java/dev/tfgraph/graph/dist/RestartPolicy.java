package dev.tfgraph.graph.dist;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.callbacks.CheckpointFolder;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import java.util.function.Function;

/**
 * What the chief of a data-parallel run does when a task stops answering ({@link ClusterFailure}):
 * stop, failing with the failure that names the task, or wait up to {@code waitMs} for every task to
 * answer again and train again, resumed from the run's last checkpoint (or from the start when the
 * run has none yet), at most {@code maxRestarts} times. Any other failure ends the run at once.
 *
 * <pre>{@code
 * DataParallel chief = Cluster.startChief(cluster, options.checkpointDir(), 0, true, 60_000, Cluster.OnFailure.WAIT, 60_000);
 * RestartPolicy.Outcome<TrainResult> out = RestartPolicy.waitFor(600_000).train(cluster,
 *     Trainer.builder(model, options).strategy(chief), trainer -> trainer.fit(train, null, test, null));
 * }</pre>
 */
public record RestartPolicy(Cluster.OnFailure onFailure, long waitMs, int maxRestarts) {
  /** The restarts {@link #waitFor} allows: a cluster that fails this often is not coming back. */
  public static final int MAX_RESTARTS = 100;

  /**
   * @param onFailure stop or wait
   * @param waitMs how long to wait for the cluster after a failure, in milliseconds, at least 0
   * @param maxRestarts the most restarts, at least 0
   * @throws dev.tfgraph.graph.BadInputException if onFailure is null, or waitMs or maxRestarts is below 0
   */
  public RestartPolicy {
    if (onFailure == null) throw new BadInputException("restart policy: on_failure is missing, expected stop or wait");
    if (waitMs < 0) throw new BadInputException("restart policy: wait of " + waitMs + " ms, expected >= 0");
    if (maxRestarts < 0) throw new BadInputException("restart policy: max_restarts " + maxRestarts + ", expected >= 0");
  }

  /**
   * Stops at the first cluster failure.
   * @return the policy
   */
  public static RestartPolicy stop() {
    return new RestartPolicy(Cluster.OnFailure.STOP, 0, 0);
  }

  /**
   * Waits up to {@code waitMs} for the cluster after each failure and resumes, up to {@link #MAX_RESTARTS}
   * times.
   * @param waitMs the wait after each failure, in milliseconds
   * @return the policy
   */
  public static RestartPolicy waitFor(long waitMs) {
    return new RestartPolicy(Cluster.OnFailure.WAIT, waitMs, MAX_RESTARTS);
  }

  /** What a run returned, and how many times it restarted after a cluster failure. */
  public record Outcome<R>(R result, int restarts) {}

  /**
   * Trains as {@code trainer} says (its strategy the cluster's, from {@link Cluster#startChief}): each attempt is a new
   * {@link Trainer} built with that attempt's options, on which {@code fit} runs, and a cluster failure restarts it as
   * this policy says.
   * @param cluster the cluster
   * @param trainer the run's trainer builder, with the first attempt's options (changed between attempts: resume,
   *     overwriteCheckpoints)
   * @param fit what runs on each attempt's trainer
   * @return the last attempt's result and the restarts
   * @throws ClusterFailure if this policy stops, or the restarts run out
   * @throws dev.tfgraph.graph.BadInputException if the policy waits and the options have no checkpoint folder
   */
  public Outcome<TrainResult> train(ClusterSpec cluster, Trainer.Builder trainer, Function<Trainer, TrainResult> fit) {
    return run(cluster, trainer.options(), o -> {
      try (Trainer t = trainer.options(o).build()) {
        return fit.apply(t);
      }
    });
  }

  /**
   * Runs {@code attempt} on {@code options} until it ends without a {@link ClusterFailure}. Each restart gets the
   * options with {@code resume} set to whether the run has a checkpoint of its own to resume from (a run that started
   * the folder over, overwrite_checkpoints, has one only once the folder's index is no longer the old run's), and,
   * once it resumes, {@code overwriteCheckpoints} cleared (the checkpoints are the run's own now). Waiting
   * for the cluster, the failure and the restart are logged ({@link Cluster}'s System.Logger).
   * @param <R> what an attempt returns
   * @param cluster the cluster
   * @param options the training options (changed between attempts)
   * @param attempt one attempt of the run
   * @return the last attempt's result and the restarts
   * @throws ClusterFailure if this policy stops, or the restarts run out
   * @throws dev.tfgraph.graph.BadInputException if the policy waits and the options have no checkpoint folder
   */
  public <R> Outcome<R> run(ClusterSpec cluster, TrainOptions options, Function<TrainOptions, R> attempt) {
    if (onFailure == Cluster.OnFailure.WAIT && options.checkpointDir() == null) {
      throw new BadInputException("cluster: waiting for failed tasks (on_failure wait) needs a checkpoint folder: the run resumes from the last checkpoint");
    }
    String replaced = options.overwriteCheckpoints() ? CheckpointFolder.indexDigest(options.checkpointDir()) : null;   // the old run's index
    for (int restarts = 0; ; restarts++) {
      try {
        return new Outcome<>(attempt.apply(options), restarts);
      } catch (ClusterFailure f) {
        if (onFailure == Cluster.OnFailure.STOP || restarts >= maxRestarts) throw f;
        boolean resume = Cluster.recover(f, cluster, options.checkpointDir(), waitMs, replaced);
        options = options.toBuilder().resume(resume).overwriteCheckpoints(!resume && options.overwriteCheckpoints()).build();
      }
    }
  }
}

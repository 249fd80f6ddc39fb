package dev.tfgraph.graph;

import dev.tfgraph.graph.Batches.Batch;
import dev.tfgraph.graph.dist.ClusterFailure;
import dev.tfgraph.graph.dist.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Runs training steps: feeds a batch, the [seed, step] pair and the learning rate, fetches
 * {loss, accuracy}, runs the update and the layers' updates (BatchNormalization's moving averages).
 * Nothing is allocated per step besides the batch: the [seed, step] tensor is rewritten in place
 * (Session.run is synchronous and the feed is only read during the run) and the learning-rate
 * tensor is rebuilt only when the rate changes.
 */
final class Steps implements AutoCloseable {
  private final ModelGraph mg;
  private final Objective objective;
  private final Placeholder<? extends TNumber> learningRate;
  private final Operation update;
  private final long seed;
  private final ClusterSpec cluster;
  private final long timeoutMs;
  private double lastLr = Double.NaN;
  private Tensor lrTensor;
  private TInt64 seedTensor;
  private final List<Tensor> bareFeeds = new ArrayList<>();

  /** Handles of {@code mg}'s current graph (after any relocation); {@code cluster} may be null. */
  Steps(ModelGraph mg, Objective objective, Placeholder<? extends TNumber> learningRate, Operation update, long seed,
      ClusterSpec cluster, long timeoutMs) {
    this.mg = mg;
    this.objective = objective;
    this.learningRate = learningRate;
    this.update = update;
    this.seed = seed;
    this.cluster = cluster;
    this.timeoutMs = timeoutMs;
  }

  /** One step in one process; returns {loss, accuracy} of the batch. */
  double[] run(Tensor[] x, TInt32 y, long step, double lr) {
    prepareScalars(step, lr);
    return lossAndAccuracy(runner(x, y, seedTensor, lrTensor));
  }

  /** One synchronous data-parallel step: every replica's shard in one run, one update. */
  double[] runShards(Batch b, long step, double lr) {
    prepareScalars(step, lr);
    try (Tensor count = Tensors.of(mg.type(), Shape.scalar(), new double[] {b.n()})) {
      Session.Runner r = mg.session().runner().feed(mg.stepSeed(), seedTensor).feed(learningRate, lrTensor)
          .feed(objective.exampleCount(), count);
      for (int i = 0; i < b.x().length; i++) {
        for (int k = 0; k < b.x()[i].length; k++) r.feed(mg.replicaInputs().get(i).get(k), b.x()[i][k]);
        r.feed(objective.labels().get(i), b.y()[i]);
      }
      fetchAndUpdate(r);
      if (timeoutMs > 0) r.setOptions(RunOptions.newBuilder().setTimeoutInMs(timeoutMs).build());
      try {
        return lossAndAccuracy(r);
      } catch (TensorFlowException e) {
        throw ClusterFailure.of(cluster, "step " + (step + 1), e);
      }
    }
  }

  /** The same step as a plain Runner with fixed feeds (the benchmark's baseline); its feeds live until {@link #close}. */
  Session.Runner bare(Tensor[] x, TInt32 y, double lr) {
    closeBare();
    Tensor s = Tensors.seed(seed, 0);
    Tensor l = Tensors.of(mg.type(), Shape.scalar(), new double[] {lr});
    bareFeeds.addAll(List.of(s, l));
    return runner(x, y, s, l);
  }

  void closeBare() {
    bareFeeds.forEach(Tensor::close);
    bareFeeds.clear();
  }

  private Session.Runner runner(Tensor[] x, TInt32 y, Tensor s, Tensor lr) {
    Session.Runner r = mg.session().runner();
    for (int k = 0; k < x.length; k++) r.feed(mg.inputs().get(k), x[k]);
    r.feed(objective.labels().get(0), y).feed(mg.stepSeed(), s).feed(learningRate, lr);
    return fetchAndUpdate(r);
  }

  private Session.Runner fetchAndUpdate(Session.Runner r) {
    r.fetch(objective.loss()).fetch(objective.accuracy()).addTarget(update);
    for (Operation u : mg.updates()) r.addTarget(u);
    return r;
  }

  /** Runs {@code r}, whose first two fetches are the loss and the accuracy. */
  private static double[] lossAndAccuracy(Session.Runner r) {
    try (Result res = r.run()) {
      return new double[] {Tensors.scalar(res.get(0)), Tensors.scalar(res.get(1))};
    }
  }

  private void prepareScalars(long step, double lr) {
    if (lr != lastLr) {
      if (lrTensor != null) lrTensor.close();
      lrTensor = Tensors.of(mg.type(), Shape.scalar(), new double[] {lr});
      lastLr = lr;
    }
    if (seedTensor == null) seedTensor = Tensors.seed(seed, step);
    seedTensor.setLong(step, 1);
  }

  @Override
  public void close() {
    closeBare();
    if (lrTensor != null) lrTensor.close();
    if (seedTensor != null) seedTensor.close();
  }
}

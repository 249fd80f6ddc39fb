package dev.tfgraph.graph.train;

import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
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
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Runs training steps: feeds each shard's inputs and labels as the {@link Objective} names them,
 * the [seed, step] pair and the learning rate, fetches the loss and each metric, runs the update and the
 * layers' state updates. Nothing is allocated per step besides the batch: the [seed, step] tensor
 * is rewritten in place (Session.run is synchronous and the feed is only read during the run) and
 * the learning-rate tensor is rebuilt only when the rate changes.
 */
final class Steps implements AutoCloseable {
  private final ModelRuntime rt;
  private final Objective objective;
  private final Placeholder<? extends TNumber> learningRate;
  private final Operation update;
  private final long seed;
  private final Strategy strategy;
  private double lastLr = Double.NaN;
  private Tensor lrTensor;
  private TInt64 seedTensor;
  private final List<Tensor> bareFeeds = new ArrayList<>();

  /** Handles of {@code rt}'s current graph (after any relocation). */
  Steps(ModelRuntime rt, Objective objective, Placeholder<? extends TNumber> learningRate, Operation update, long seed,
      Strategy strategy) {
    this.rt = rt;
    this.objective = objective;
    this.learningRate = learningRate;
    this.update = update;
    this.seed = seed;
    this.strategy = strategy;
  }

  /** One step on a batch of n examples: x[shard][input], y[shard]; returns {loss, metric...} of the batch. */
  double[] run(Tensor[][] x, Tensor[] y, int n, long step, double lr) {
    prepareScalars(step, lr);
    Tensor count = objective.exampleCount() == null ? null : Tensors.of(rt.type(), Shape.scalar(), new double[] {n});
    try {
      Session.Runner r = runner(x, y, seedTensor, lrTensor, count);
      RunOptions o = strategy.stepOptions();
      if (o != null) r.setOptions(o);
      try {
        return fetched(r);
      } catch (TensorFlowException e) {
        throw strategy.failure("step " + (step + 1), e);
      }
    } finally {
      if (count != null) count.close();
    }
  }

  /** The same step as a plain Runner with fixed feeds (the benchmark's baseline); its feeds live until {@link #close}. */
  Session.Runner bare(Tensor[] x, Tensor y, int n, double lr) {
    closeBare();
    Tensor s = Tensors.seed(seed, 0);
    Tensor l = Tensors.of(rt.type(), Shape.scalar(), new double[] {lr});
    bareFeeds.addAll(List.of(s, l));
    Tensor count = null;
    if (objective.exampleCount() != null) {
      count = Tensors.of(rt.type(), Shape.scalar(), new double[] {n});
      bareFeeds.add(count);
    }
    return runner(new Tensor[][] {x}, new Tensor[] {y}, s, l, count);
  }

  void closeBare() {
    bareFeeds.forEach(Tensor::close);
    bareFeeds.clear();
  }

  private Session.Runner runner(Tensor[][] x, Tensor[] y, Tensor s, Tensor lr, Tensor count) {
    if (x.length != objective.inputs().size()) {
      throw new IllegalArgumentException(x.length + " shards given, the objective has " + objective.inputs().size());
    }
    Session.Runner r = rt.session().runner();
    for (int i = 0; i < x.length; i++) {
      for (int k = 0; k < x[i].length; k++) r.feed(objective.inputs().get(i).get(k), x[i][k]);
      r.feed(objective.labels().get(i), y[i]);
    }
    r.feed(rt.graph().stepSeed(), s).feed(learningRate, lr);
    if (count != null) r.feed(objective.exampleCount(), count);
    r.fetch(objective.loss()).addTarget(update);
    objective.metrics().forEach(r::fetch);
    for (Operation u : objective.updates()) r.addTarget(u);
    return r;
  }

  /** Runs {@code r}, whose fetches are the loss and the metrics: their values. */
  private static double[] fetched(Session.Runner r) {
    try (Result res = r.run()) {
      double[] v = new double[res.size()];
      for (int i = 0; i < v.length; i++) v[i] = Tensors.scalar(res.get(i));
      return v;
    }
  }

  private void prepareScalars(long step, double lr) {
    if (lr != lastLr) {
      if (lrTensor != null) lrTensor.close();
      lrTensor = Tensors.of(rt.type(), Shape.scalar(), new double[] {lr});
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

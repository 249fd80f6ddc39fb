package dev.tfgraph.graph.dist;

import dev.tfgraph.graph.runtime.Gradients;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.Objective;
import dev.tfgraph.graph.train.Strategy;
import dev.tfgraph.graph.WeightSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Synchronous data-parallel training on a TF cluster, as a {@link Strategy}: one training pass
 * per replica (worker) under {@code replica_<i>/}, each with its own input placeholders and seed,
 * sharing the weights; the graph placed by {@link Placement} and run in a session on the chief's
 * TF server ({@link RemoteSession}); a failure named by the task that stopped answering
 * ({@link ClusterFailure}).
 */
public final class DataParallel implements Strategy {
  private final ClusterSpec cluster;
  private final long stepTimeoutMs;

  /**
   * @param stepTimeoutMs a step that takes longer fails (0: no limit)
   * @param cluster the cluster, every task answering
   */
  public DataParallel(ClusterSpec cluster, long stepTimeoutMs) {
    this.cluster = cluster;
    this.stepTimeoutMs = stepTimeoutMs;
  }

  /** @return the cluster */
  public ClusterSpec cluster() {
    return cluster;
  }

  @Override
  public ModelRuntime graph(Model model, ConfigProto config) {
    return ModelRuntime.unopened(ModelGraph.training(model));
  }

  @Override
  public int shards() {
    return cluster.replicas().size();
  }

  /**
   * Replica i holds rows [i·n/R, (i+1)·n/R) of the batch of n; its loss is its sum of
   * cross-entropies / n (plus the regularization on replica 0), so the sum over replicas is
   * exactly the single-process mean over the whole batch, whatever the shard sizes. Each replica's
   * gradients are its own ops (placed on its task); their sum per weight, named
   * {@code <variable>__grad} (placed with the weight), is the step's gradient, added in a fixed
   * order: the result does not depend on timing. Only replica 0's state updates (batch-norm
   * moving averages) are kept.
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Objective objective(ModelGraph mg, Output<?>[] weights, Loss lossFn, List<Metric> metrics) {
    Ops tf = mg.tf();
    Model model = mg.model();
    Placeholder count = tf.withName("example_count").placeholder(mg.type(), Placeholder.shape(Shape.scalar()));
    List<List<Placeholder<? extends TNumber>>> inputs = new ArrayList<>();
    List<Placeholder<?>> labels = new ArrayList<>();
    List<Operand> losses = new ArrayList<>();
    List<List<Operand>> metricSums = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) metricSums.add(new ArrayList<>());
    List<Output<?>[]> perReplica = new ArrayList<>();
    List<Operation> updates = List.of();
    for (int i = 0; i < shards(); i++) {
      Ops r = tf.withSubScope("replica_" + i);
      List<Placeholder<? extends TNumber>> x = new ArrayList<>();
      for (var in : model.inputs()) {
        // one input keeps the name replica_<i>/input that placement and older graphs know
        String n = model.inputs().size() == 1 ? "input" : "input_" + in.name();
        x.add(r.withName(n).placeholder(mg.type(), Placeholder.shape(in.shape())));
      }
      // each replica draws its own dropout masks: the step seed salted by the replica index
      Operand<TInt64> seed = i == 0 ? mg.stepSeed() : r.math.add(mg.stepSeed(), r.constant(new long[] {0x9E3779B97F4A7C15L * i, 0}));
      Objective.Shard s = Objective.shard(r, mg, x, seed, lossFn, metrics, count, i == 0);
      if (i == 0) updates = s.pass().updates();
      inputs.add(List.copyOf(x));
      labels.add(s.labels());
      Operand li = s.loss();
      losses.add(li);
      for (int m = 0; m < metrics.size(); m++) metricSums.get(m).add(s.metrics().get(m));
      perReplica.add(mg.graph().addGradients("replica_" + i + "/gradients", new Output<?>[] {li.asOutput()}, weights, null));
    }
    Operand loss = tf.withName("loss").math.addN((Iterable) losses);
    List<Operand<? extends TNumber>> means = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      means.add(tf.withName(Objective.metricOpName(metrics.get(m))).math.div(tf.math.addN((Iterable) metricSums.get(m)), count));
    }
    List<Output<?>> grads = new ArrayList<>();
    for (int v = 0; v < weights.length; v++) {
      List<Operand> parts = new ArrayList<>();
      for (Output<?>[] g : perReplica) parts.add((Operand) g[v]);
      if (parts.stream().anyMatch(p -> Gradients.isNone(((Operand<?>) p).asOutput()))) {
        grads.add(perReplica.get(0)[v]); // "does not affect the loss": reported by the trainer
        continue;
      }
      Ops named = tf.withName(weights[v].op().name() + "__grad");
      grads.add(parts.size() == 1 ? named.identity(parts.get(0)).asOutput() : named.math.addN((Iterable) parts).asOutput());
    }
    return new Objective(List.copyOf(inputs), List.copyOf(labels), count, loss, List.copyOf(means), List.copyOf(grads), updates);
  }

  /** Places the graph on the cluster, opens the session on the chief's server, re-resolves handles. */
  @Override
  public void open(ModelRuntime rt, ConfigProto config, Runnable reresolve) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (WeightSpec w : rt.model().weights()) sizes.put(w.varName(), w.shape().size());
    Placement placement = Placement.of(cluster, sizes);
    String target = "grpc://" + cluster.address(cluster.chief());
    // a remote session's close can block when a task died: bounded, see RemoteSession.close
    rt.relocate(placement::apply, g -> RemoteSession.open(g, target, config), reresolve,
        (s, g) -> RemoteSession.close(s, g, 5000));
  }

  @Override
  public RunOptions stepOptions() {
    return stepTimeoutMs > 0 ? RunOptions.newBuilder().setTimeoutInMs(stepTimeoutMs).build() : null;
  }

  @Override
  public RuntimeException failure(String what, TensorFlowException e) {
    return ClusterFailure.of(cluster, what, e);
  }
}

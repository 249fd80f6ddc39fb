package dev.tfgraph.graph.train;

import dev.tfgraph.graph.activation.Activations;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * What training minimises, as ops: the {@link Loss} averaged over the batch (on the logits before
 * a final softmax or sigmoid when the loss takes them) plus the model's regularization; each
 * {@link Metric}'s mean over the batch, in the run's metric order; and the loss's
 * gradient for each trainable weight (as {@code addGradients} gives it). It also names the feeds
 * of one step: per shard (one per replica; one in a single process) a placeholder per model input
 * and the targets (int32 labels, or floats of the output's shape); {@code exampleCount} (the batch
 * size, fed when not null); and the state updates to run with each step (BatchNormalization's
 * moving averages).
 */
public record Objective(List<List<Placeholder<? extends TNumber>>> inputs, List<Placeholder<?>> labels,
    Placeholder<? extends TNumber> exampleCount, Operand<? extends TNumber> loss, List<Operand<? extends TNumber>> metrics,
    List<Output<?>> gradients, List<Operation> updates) {

  /** Refuses a loss of classes (softmax) on a model whose output is not [batch, classes]. */
  static void requireSuits(dev.tfgraph.graph.model.Model model, Loss loss) {
    Shape out = model.outputShape();
    if (loss.classification() && !"sigmoid".equals(loss.logitsOf()) && out.numDimensions() != 2) {
      throw new dev.tfgraph.graph.BadInputException("train: loss " + loss.name() + " needs an output [batch, classes], received "
          + dev.tfgraph.graph.Shapes.show(out) + "; end the model with a Dense layer");
    }
  }

  /**
   * One process: one training pass on the model's inputs; loss = mean(per-example loss) + reg.
   *
   * @param mg a training graph ({@link ModelGraph#training})
   * @param weights the trainable weights' variables, in the order their gradients are wanted
   * @param lossFn the loss
   * @param metrics the metrics, in the run's order
   * @return the objective, its gradients one per weight
   */
  public static Objective single(ModelGraph mg, Output<?>[] weights, Loss lossFn, List<Metric> metrics) {
    Shard s = shard(mg.tf(), mg, mg.inputs(), mg.stepSeed(), lossFn, metrics, null, true);
    return new Objective(List.of(List.copyOf(mg.inputs())), List.of(s.labels()), null, s.loss(), s.metrics(),
        List.of(mg.graph().addGradients(s.loss().asOutput(), weights)), s.pass().updates());
  }

  /**
   * One shard's part of a step, the one place the loss is assembled (a single process is one
   * shard; a replica of a cluster is one each): a training pass on {@code inputs} with
   * {@code seed}, the targets' placeholder {@code labels}, and {@code loss} (named
   * {@code loss} in {@code tf}'s scope) = the per-example loss reduced over the shard, plus the
   * model's regularization when {@code regularize}. Without {@code count} the reduction is the
   * mean and each metric is its batch mean, named by {@link #metricOpName}; with {@code count}
   * (the whole batch's size, fed) the loss is the shard's sum / count and each metric is the
   * shard's sum, for the caller to add over shards and divide by count.
   *
   * @param tf the ops to add to (the shard's scope and device)
   * @param mg a training graph
   * @param inputs one operand per model input, [shard batch, ...] in the model's dtype
   * @param seed the step seed, int64 [2]
   * @param lossFn the loss
   * @param metrics the metrics, in the run's order
   * @param count the whole batch's example count (a scalar of the model's dtype), or null
   * @param regularize true to add the model's regularization term (once per step in all)
   * @return the pass, the targets' placeholder, the loss and the metrics' terms
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Shard shard(Ops tf, ModelGraph mg, List<? extends Operand<? extends TNumber>> inputs,
      Operand<TInt64> seed, Loss lossFn, List<Metric> metrics, Operand<? extends TNumber> count, boolean regularize) {
    ModelGraph.TrainingPass pass = mg.addTrainingPass(tf, inputs, seed, lossFn.logitsOf());
    Placeholder y = targets(tf.withName("labels"), mg, lossFn);
    Operand per = lossFn.perExample(tf, (Operand) pass.output(), y, pass.logits());
    Operand l = count == null ? tf.math.mean(per, tf.constant(0)) : tf.math.div(tf.reduceSum(per, tf.constant(0)), (Operand) count);
    Operand reg = regularize ? pass.regularization() : null;
    Operand loss = tf.withName("loss").identity(reg == null ? l : tf.math.add(l, reg));
    List<Operand<? extends TNumber>> ms = new ArrayList<>();
    Operand shown = shown(tf, mg, pass, lossFn);
    for (Metric m : metrics) {
      Ops named = count == null ? tf.withName(metricOpName(m)) : tf;
      Operand pm = m.perExample(tf, shown, y, mg.endsIn(lossFn.logitsOf()));
      ms.add(count == null ? named.math.mean(pm, tf.constant(0)) : tf.reduceSum(pm, tf.constant(0)));
    }
    return new Shard(pass, y, loss, List.copyOf(ms));
  }

  /** What {@link #shard} built: the pass (its state updates), the targets, the loss, the metrics' terms. */
  public record Shard(ModelGraph.TrainingPass pass, Placeholder<?> labels, Operand<? extends TNumber> loss,
      List<Operand<? extends TNumber>> metrics) {}

  /**
   * The targets' placeholder: int32 labels [batch] for a sparse loss, else the output's shape in the model's dtype.
   *
   * @param named the ops to add to, already carrying the placeholder's name
   * @param mg the model's graph
   * @param lossFn the loss, which tells sparse from dense targets
   * @return the placeholder
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Placeholder<?> targets(Ops named, ModelGraph mg, Loss lossFn) {
    if (lossFn.sparse()) return named.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    return named.placeholder((Class) mg.type(), Placeholder.shape(mg.model().outputShape()));
  }

  /**
   * The outputs metrics see: the model's outputs as it outputs them (the final activation the
   * loss left out is applied again, one small op), so that a metric has the same inputs in
   * training as in evaluation.
   *
   * @param tf the ops to add to
   * @param mg the model's graph
   * @param pass the forward pass whose output may be logits
   * @param lossFn the loss, which names the activation it took over
   * @return the outputs, [batch, ...output shape]
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand<? extends TNumber> shown(Ops tf, ModelGraph mg, ModelGraph.TrainingPass pass, Loss lossFn) {
    return pass.logits() ? Activations.apply(tf, lossFn.logitsOf(), (Operand) pass.output()) : pass.output();
  }

  /**
   * The op name of a metric's batch mean: metric_ and its name in [A-Za-z0-9_.-] (a user's name may hold others).
   *
   * @param m the metric
   * @return the op name
   */
  public static String metricOpName(Metric m) {
    return "metric_" + m.name().replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /**
   * The same handles in {@code mg}'s graph after {@link ModelRuntime#relocate}; gradients are not carried.
   *
   * @param mg the graph after relocation
   * @return a new objective with an empty gradient list
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Objective relocated(ModelGraph mg) {
    List<List<Placeholder<? extends TNumber>>> xs = new ArrayList<>();
    for (List<Placeholder<? extends TNumber>> shard : inputs) {
      List<Placeholder<? extends TNumber>> s = new ArrayList<>();
      for (Placeholder<? extends TNumber> p : shard) s.add(new Placeholder<>(mg.graph().operation(p.op().name())));
      xs.add(List.copyOf(s));
    }
    List<Placeholder<?>> ys = new ArrayList<>();
    for (Placeholder<?> p : labels) ys.add(new Placeholder<>(mg.graph().operation(p.op().name())));
    Placeholder count = exampleCount == null ? null : new Placeholder<>(mg.graph().operation(exampleCount.op().name()));
    List<Operation> us = new ArrayList<>();
    for (Operation u : updates) us.add(mg.graph().operation(u.name()));
    List<Operand<? extends TNumber>> ms = new ArrayList<>();
    for (Operand m : metrics) ms.add(mg.same(m));
    return new Objective(List.copyOf(xs), List.copyOf(ys), count, mg.same((Operand) loss), List.copyOf(ms), List.of(),
        List.copyOf(us));
  }
}

package dev.tfgraph.graph;

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
 * a final softmax or sigmoid when the loss takes them) plus the model's regularization; a metric
 * of the batch (accuracy for classification, mean squared error for regression); and the loss's
 * gradient for each trainable weight (as {@code addGradients} gives it). It also names the feeds
 * of one step: per shard (one per replica; one in a single process) a placeholder per model input
 * and the targets (int32 labels, or floats of the output's shape); {@code exampleCount} (the batch
 * size, fed when not null); and the state updates to run with each step (BatchNormalization's
 * moving averages).
 */
public record Objective(List<List<Placeholder<? extends TNumber>>> inputs, List<Placeholder<?>> labels,
    Placeholder<? extends TNumber> exampleCount, Operand<? extends TNumber> loss, Operand<? extends TNumber> accuracy,
    List<Output<?>> gradients, List<Operation> updates) {

  /** One process: one training pass on the model's inputs; loss = mean(per-example loss) + reg. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Objective single(ModelGraph mg, Output<?>[] weights, Loss lossFn) {
    Ops tf = mg.tf();
    ModelGraph.TrainingPass pass = mg.addTrainingPass(tf, mg.inputs(), mg.stepSeed(), lossFn.logitsOf());
    Placeholder y = targets(tf.withName("labels"), mg, lossFn);
    Operand ce = tf.math.mean(lossFn.perExample(tf, (Operand) pass.output(), y, pass.logits()), tf.constant(0));
    Operand reg = pass.regularization();
    Operand loss = tf.withName("loss").identity(reg == null ? ce : tf.math.add(ce, reg));
    Operand acc = tf.withName("accuracy").math.mean(metric(tf, lossFn, pass.output(), pass.logits(), y), tf.constant(0));
    return new Objective(List.of(List.copyOf(mg.inputs())), List.of(y), null, loss, acc,
        List.of(mg.graph().addGradients(loss.asOutput(), weights)), pass.updates());
  }

  /** The targets' placeholder: int32 labels [batch] for a sparse loss, else the output's shape in the model's dtype. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Placeholder<?> targets(Ops named, ModelGraph mg, Loss lossFn) {
    if (lossFn.sparse()) return named.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    return named.placeholder((Class) mg.type(), Placeholder.shape(mg.model().outputShape()));
  }

  /**
   * The per-example metric in the output's dtype: 1/0 hits of the argmax (sparse and categorical),
   * the mean of thresholded hits over the outputs (binary: logit > 0 or probability > 1/2 against
   * target > 1/2), or the squared error's mean (regression).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand metric(Ops tf, Loss lossFn, Operand out, boolean logits, Operand y) {
    if (!lossFn.classification()) return new dev.tfgraph.graph.loss.MeanError(true).perExample(tf, out, y, false);
    if (lossFn.sparse()) return hits(tf, out, y);
    if (lossFn.logitsOf() != null && lossFn.logitsOf().equals("sigmoid")) {
      Operand threshold = tf.constantOfSameType(out, logits ? 0 : 0.5);
      Operand hit = tf.dtypes.cast(tf.math.equal(tf.math.greater(out, threshold), tf.math.greater(y, tf.constantOfSameType(out, 0.5))),
          (Class) out.type());
      int rank = out.shape().numDimensions();
      if (rank == 1) return hit;
      int[] axes = new int[rank - 1];
      for (int i = 0; i < axes.length; i++) axes[i] = i + 1;
      return tf.math.mean(hit, tf.constant(axes));
    }
    return tf.dtypes.cast(tf.math.equal(tf.math.argMax(out, tf.constant(1)), tf.math.argMax(y, tf.constant(1))), (Class) out.type());
  }

  /** The same handles in {@code mg}'s graph after {@link ModelGraph#relocate}; gradients are not carried. */
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
    return new Objective(List.copyOf(xs), List.copyOf(ys), count, mg.same((Operand) loss), mg.same((Operand) accuracy), List.of(),
        List.copyOf(us));
  }

  /** 1 where argmax(logits) equals the label, else 0, in the logits' type. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand hits(Ops tf, Operand logits, Operand<TInt32> y) {
    return tf.dtypes.cast(tf.math.equal(tf.math.argMax(logits, tf.constant(1)), tf.dtypes.cast(y, TInt64.class)),
        (Class) logits.type());
  }
}

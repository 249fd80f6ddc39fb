package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * What training minimises, as ops: the mean sparse categorical cross-entropy of the batch (one-hot
 * + fused SoftmaxCrossEntropyWithLogits on the logits) plus the model's regularization; the batch
 * accuracy; and the loss's gradient for each trainable weight (as {@code addGradients} gives it).
 * One labels placeholder per replica; {@code exampleCount} is fed only in a replicated graph.
 */
public record Objective(List<Placeholder<TInt32>> labels, Placeholder<? extends TNumber> exampleCount,
    Operand<? extends TNumber> loss, Operand<? extends TNumber> accuracy, List<Output<?>> gradients) {

  /** One process: loss = mean(ce) + reg. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Objective single(ModelGraph mg, Output<?>[] weights) {
    Ops tf = mg.tf();
    Operand logits = mg.trainLogits();
    Placeholder<TInt32> y = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Operand ce = tf.math.mean(crossEntropy(tf, logits, y), tf.constant(0));
    Operand reg = mg.regularizationLoss();
    Operand loss = tf.withName("loss").identity(reg == null ? ce : tf.math.add(ce, reg));
    Operand acc = tf.withName("accuracy").math.mean(hits(tf, logits, y), tf.constant(0));
    return new Objective(List.of(y), null, loss, acc, List.of(mg.graph().addGradients(loss.asOutput(), weights)));
  }

  /**
   * Data-parallel: replica i holds rows [i·n/R, (i+1)·n/R) of the batch of n; its loss is its sum
   * of cross-entropies / n (plus the regularization on replica 0), so the sum over replicas is
   * exactly the single-process mean over the whole batch, whatever the shard sizes. Each replica's
   * gradients are its own ops (placed on its task); their sum per weight, named
   * {@code <variable>__grad} (placed with the weight), is the step's gradient, added in a fixed
   * order: the result does not depend on timing.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Objective replicated(ModelGraph mg, Output<?>[] weights) {
    Ops tf = mg.tf();
    Placeholder count = tf.withName("example_count").placeholder(mg.type(), Placeholder.shape(Shape.scalar()));
    List<Placeholder<TInt32>> labels = new ArrayList<>();
    List<Operand> losses = new ArrayList<>(), hitCounts = new ArrayList<>();
    List<Output<?>[]> perReplica = new ArrayList<>();
    for (int i = 0; i < mg.replicas(); i++) {
      Ops r = tf.withSubScope("replica_" + i);
      Operand logits = mg.replicaLogits().get(i);
      Placeholder<TInt32> y = r.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      labels.add(y);
      Operand li = r.math.div(r.reduceSum(crossEntropy(r, logits, y), r.constant(0)), count);
      if (i == 0 && mg.regularizationLoss() != null) li = r.math.add(li, mg.regularizationLoss());
      li = r.withName("loss").identity(li);
      losses.add(li);
      hitCounts.add(r.reduceSum(hits(r, logits, y), r.constant(0)));
      perReplica.add(mg.graph().addGradients("replica_" + i + "/gradients", new Output<?>[] {li.asOutput()}, weights, null));
    }
    Operand loss = tf.withName("loss").math.addN((Iterable) losses);
    Operand acc = tf.withName("accuracy").math.div(tf.math.addN((Iterable) hitCounts), count);
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
    return new Objective(List.copyOf(labels), count, loss, acc, List.copyOf(grads));
  }

  /** The same handles in {@code mg}'s graph after {@link ModelGraph#relocate}; gradients are not carried. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Objective relocated(ModelGraph mg) {
    List<Placeholder<TInt32>> ys = new ArrayList<>();
    for (Placeholder<TInt32> p : labels) ys.add(new Placeholder<>(mg.graph().operation(p.op().name())));
    Placeholder count = exampleCount == null ? null : new Placeholder<>(mg.graph().operation(exampleCount.op().name()));
    return new Objective(List.copyOf(ys), count, mg.same((Operand) loss), mg.same((Operand) accuracy), List.of());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand crossEntropy(Ops tf, Operand logits, Operand<TInt32> y) {
    Operand oneHot = tf.oneHot(y, tf.constant((int) logits.shape().get(1)),
        tf.constantOfSameType(logits, 1), tf.constantOfSameType(logits, 0));
    if (logits.type() == TFloat64.class) {
      // TF 2.18's C++ gradient of SoftmaxCrossEntropyWithLogits multiplies by a float32 constant,
      // which fails in float64: the same formula, −Σ onehot · log_softmax(logits), in typed ops.
      return tf.math.neg(tf.reduceSum(tf.math.mul(oneHot, tf.nn.logSoftmax(logits)), tf.constant(1)));
    }
    return tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss();
  }

  /** 1 where argmax(logits) equals the label, else 0, in the logits' type. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Operand hits(Ops tf, Operand logits, Operand<TInt32> y) {
    return tf.dtypes.cast(tf.math.equal(tf.math.argMax(logits, tf.constant(1)), tf.dtypes.cast(y, TInt64.class)),
        (Class) logits.type());
  }
}

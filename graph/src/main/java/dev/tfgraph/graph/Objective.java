package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
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
 * It also names the feeds of one step: per shard (one per replica; one in a single process) a
 * placeholder per model input and the labels; {@code exampleCount} (the batch size, fed when not
 * null); and the state updates to run with each step (BatchNormalization's moving averages).
 */
public record Objective(List<List<Placeholder<? extends TNumber>>> inputs, List<Placeholder<TInt32>> labels,
    Placeholder<? extends TNumber> exampleCount, Operand<? extends TNumber> loss, Operand<? extends TNumber> accuracy,
    List<Output<?>> gradients, List<Operation> updates) {

  /** One process: one training pass on the model's inputs; loss = mean(ce) + reg. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Objective single(ModelGraph mg, Output<?>[] weights) {
    Ops tf = mg.tf();
    ModelGraph.TrainingPass pass = mg.addTrainingPass(tf, mg.inputs(), mg.stepSeed());
    Operand logits = pass.logits();
    Placeholder<TInt32> y = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Operand ce = tf.math.mean(crossEntropy(tf, logits, y), tf.constant(0));
    Operand reg = pass.regularization();
    Operand loss = tf.withName("loss").identity(reg == null ? ce : tf.math.add(ce, reg));
    Operand acc = tf.withName("accuracy").math.mean(hits(tf, logits, y), tf.constant(0));
    return new Objective(List.of(List.copyOf(mg.inputs())), List.of(y), null, loss, acc,
        List.of(mg.graph().addGradients(loss.asOutput(), weights)), pass.updates());
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
    List<Placeholder<TInt32>> ys = new ArrayList<>();
    for (Placeholder<TInt32> p : labels) ys.add(new Placeholder<>(mg.graph().operation(p.op().name())));
    Placeholder count = exampleCount == null ? null : new Placeholder<>(mg.graph().operation(exampleCount.op().name()));
    List<Operation> us = new ArrayList<>();
    for (Operation u : updates) us.add(mg.graph().operation(u.name()));
    return new Objective(List.copyOf(xs), List.copyOf(ys), count, mg.same((Operand) loss), mg.same((Operand) accuracy), List.of(),
        List.copyOf(us));
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

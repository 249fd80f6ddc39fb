package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * What a layer's call may use besides its input: the training flag, its weights' values in the
 * current graph, a per-step seed for stateless random ops, and a place to put state updates
 * (BatchNormalization's moving averages).
 */
public final class CallContext {
  private final boolean training;
  private final Map<String, Variable<? extends TType>> variables;
  private final Operand<TInt64> stepSeed;
  private final List<Op> updates = new ArrayList<>();

  public CallContext(boolean training, Map<String, Variable<? extends TType>> variables,
      Operand<TInt64> stepSeed) {
    this.training = training;
    this.variables = variables;
    this.stepSeed = stepSeed;
  }

  public boolean training() {
    return training;
  }

  /** The weight's current value, read through Identity (gradients on raw refs can crash). */
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> read(Ops tf, WeightSpec w, Class<T> type) {
    Variable<? extends TType> v = variables.get(w.key());
    if (v == null) throw new IllegalStateException("weight " + w.key() + " has no variable in this graph");
    if (v.type() != type) throw new IllegalStateException("weight " + w.key() + " is " + v.type() + ", not " + type);
    return tf.identity((Operand<T>) v);
  }

  /** The variable itself, for state updates (Assign). */
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Variable<T> variable(WeightSpec w) {
    return (Variable<T>) variables.get(w.key());
  }

  /** A [2] int64 seed for stateless random ops, unique per (run seed, step, salt). */
  public Operand<TInt64> seed(Ops tf, long salt) {
    if (stepSeed == null) throw new IllegalStateException("no step seed in an inference graph");
    return tf.math.add(stepSeed, tf.constant(new long[] {0, salt}));
  }

  public void addUpdate(Op op) {
    updates.add(op);
  }

  public List<Op> updates() {
    return updates;
  }
}

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

  /**
   * Made by the model graph for each call of a model's layers.
   * @param training whether the graph is a training graph (dropout and random augmentation on, batch
   *     statistics)
   * @param variables the graph's variables by weight key ({@code <layer>.<weight>})
   * @param stepSeed a [2] int64 seed of the run and the step, or null in an inference graph
   */
  public CallContext(boolean training, Map<String, Variable<? extends TType>> variables,
      Operand<TInt64> stepSeed) {
    this.training = training;
    this.variables = variables;
    this.stepSeed = stepSeed;
  }

  /** @return whether this is a training graph */
  public boolean training() {
    return training;
  }

  /**
   * The weight's current value, read through Identity (gradients on raw refs can crash).
   * @param <T> the dtype (float32 or float64)
   * @param tf the ops of the graph being built
   * @param w the weight, as the layer declared it
   * @param type the model's dtype class, e.g. TFloat32.class
   * @return the weight's value, of its declared shape
   * @throws IllegalStateException if the graph has no variable for the weight or it has another dtype
   */
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> read(Ops tf, WeightSpec w, Class<T> type) {
    Variable<? extends TType> v = variables.get(w.key());
    if (v == null) throw new IllegalStateException("weight " + w.key() + " has no variable in this graph");
    if (v.type() != type) throw new IllegalStateException("weight " + w.key() + " is " + v.type() + ", not " + type);
    return tf.identity((Operand<T>) v);
  }

  /**
   * The variable itself, for state updates (Assign).
   * @param <T> the model's dtype
   * @param w the weight, as the layer declared it
   * @return its variable, or null if the graph has none
   */
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Variable<T> variable(WeightSpec w) {
    return (Variable<T>) variables.get(w.key());
  }

  /**
   * A [2] int64 seed for stateless random ops, unique per (run seed, step, salt).
   * @param tf the ops of the graph being built
   * @param salt what tells this draw from the others of the same step, e.g. a hash of the layer's name and
   *     seed
   * @return the seed, for StatelessRandomUniform and the like
   * @throws IllegalStateException in an inference graph (no step seed)
   */
  public Operand<TInt64> seed(Ops tf, long salt) {
    if (stepSeed == null) throw new IllegalStateException("no step seed in an inference graph");
    return tf.math.add(stepSeed, tf.constant(new long[] {0, salt}));
  }

  /**
   * Records a state update (e.g. a moving average's Assign) that the training step runs with the gradient
   * step.
   * @param op the update
   */
  public void addUpdate(Op op) {
    updates.add(op);
  }

  /** @return the updates recorded so far, in order (the live list) */
  public List<Op> updates() {
    return updates;
  }
}

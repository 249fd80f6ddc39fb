package dev.tfgraph.graph;

import dev.tfgraph.graph.model.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A layer in three phases, as in Keras: a validated config (the constructor and
 * {@link #config()}), {@link #build(Shape)} once for an input shape, creating named weights, and
 * a pure {@link #call} that adds ops. Errors name the layer, what was expected and what was
 * received, and are raised while the graph is built.
 */
public abstract class Layer {
  private final String name;
  private final boolean trainable;
  private final List<WeightSpec> weights = new ArrayList<>();
  private List<Shape> inputShapes;
  private Shape outputShape;
  private boolean sharing;               // built by a model as a layer that shares another's weights

  protected Layer(String name, boolean trainable) {
    this.name = Checks.name(getClass().getSimpleName(), name);
    this.trainable = trainable;
  }

  /**
   * Applies this layer to earlier nodes of a functional declaration ({@code Model.functional}) and
   * gives its node (Keras: {@code layer(x)}).
   */
  public final Node on(Node... inbound) {
    if (inbound.length == 0) throw new BadInputException(where() + ": applied to no node; expected " + arity());
    return inbound[0].owner().apply(this, inbound);
  }

  /** The contract's type name, e.g. "Dense". */
  public abstract String type();

  public final String name() {
    return name;
  }

  public final boolean trainable() {
    return trainable;
  }

  /** "Dense 'fc1'": how messages name this layer. */
  public final String where() {
    return type() + " '" + name + "'";
  }

  /** The contract's JSON config, every key written (defaults included): lossless round trip. */
  public final Map<String, Object> config() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", type());
    out.put("name", name);
    writeConfig(out);
    out.put("trainable", trainable);
    return out;
  }

  /** The layer's own keys, in contract order. */
  protected abstract void writeConfig(Map<String, Object> out);

  /**
   * How many inbound tensors this layer takes: every layer exactly one, merge layers
   * ({@link MergeLayer}) two or more. A layer of several inputs overrides this,
   * {@link #computeBuild(List)} and {@link #call(Ops, List, CallContext)}.
   */
  public int minInbound() {
    return 1;
  }

  /** At most this many inbound tensors ({@link Integer#MAX_VALUE}: no limit). */
  public int maxInbound() {
    return 1;
  }

  /** Creates the weights for this input shape (once) and returns the output shape. */
  public final Shape build(Shape input) {
    return build(List.of(input));
  }

  /**
   * Creates the weights for these inbound shapes (once) and returns the output shape. The number of
   * shapes is checked against {@link #minInbound()}..{@link #maxInbound()}.
   */
  public final Shape build(List<Shape> inputs) {
    if (inputs.size() < minInbound() || inputs.size() > maxInbound()) {
      throw new BadInputException(where() + ": expected " + arity() + ", received " + inputs.size());
    }
    if (sharing) {
      throw new BadInputException(where() + " shares another layer's weights in a model and has none of its own;"
          + " expected a layer that no model uses with shares");
    }
    if (inputShapes != null) {
      boolean same = inputShapes.size() == inputs.size();
      for (int i = 0; same && i < inputs.size(); i++) same = Shapes.compatible(inputShapes.get(i), inputs.get(i));
      if (!same) {
        throw new BadInputException(where() + " was built for input " + Shapes.show(inputShapes)
            + " and cannot be reused with input " + Shapes.show(inputs));
      }
      return outputShape;
    }
    Shape out;
    try {
      for (Shape in : inputs) {
        if (in.numDimensions() >= 2) Checks.activation(where(), "input", Shapes.dims(in), null);
      }
      out = computeBuild(inputs);
      if (out.numDimensions() >= 2) Checks.activation(where(), "output", Shapes.dims(out), null);
    } catch (RuntimeException e) {
      weights.clear();                     // nothing half-built: a retry starts clean
      throw e;
    }
    inputShapes = List.copyOf(inputs);
    outputShape = out;
    return out;
  }

  /**
   * Builds this layer as a later call of {@code original}, sharing its weights (a model's
   * {@code shares}): it declares no weights, and its output is the original's function of these
   * inputs. Called by {@link Model} once the original has checked the shapes.
   */
  public final void buildShared(Layer original, List<Shape> inputs, Shape out) {
    if (!weights.isEmpty()) {
      throw new BadInputException(where() + " shares the weights of " + original.where()
          + " but was built with weights of its own in another model; expected a new layer");
    }
    sharing = true;
    inputShapes = List.copyOf(inputs);
    outputShape = out;
  }

  /** "exactly 1 inbound tensor", "2 or more inbound tensors", ... */
  public final String arity() {
    int lo = minInbound(), hi = maxInbound();
    if (lo == hi) return "exactly " + lo + " inbound tensor" + (lo == 1 ? "" : "s");
    return hi == Integer.MAX_VALUE ? lo + " or more inbound tensors" : lo + " to " + hi + " inbound tensors";
  }

  /** Several inbound shapes: layers of one input need not override this (it calls {@link #computeBuild(Shape)}). */
  protected Shape computeBuild(List<Shape> inputs) {
    return computeBuild(inputs.get(0));
  }

  /** Checks the input shape, declares weights with {@link #addWeight}, returns the output shape. */
  protected abstract Shape computeBuild(Shape input);

  /**
   * The call with every inbound tensor, in inbound order. Layers of one input need not override
   * this: it calls {@link #call(Ops, Operand, CallContext)}.
   */
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return call(tf, inputs.get(0), ctx);
  }

  /** Pure: ops in, ops out. Runs after {@link #build}. */
  public abstract <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx);

  /** This layer's term of the training loss (null for none). */
  public <T extends TNumber> Operand<T> regularization(Ops tf, CallContext ctx, Class<T> type) {
    return null;
  }

  protected final WeightSpec addWeight(String weight, long[] shape, boolean trainableWeight, Initializer init) {
    return addWeight(weight, shape, trainableWeight, init, null);
  }

  /**
   * Declares a weight. Its element count is computed exactly and must be at most
   * {@link Checks#MAX_WEIGHT_ELEMENTS}; {@code keys} names what sets its size (e.g. "units or the
   * input features") for the message.
   */
  protected final WeightSpec addWeight(String weight, long[] shape, boolean trainableWeight, Initializer init, String keys) {
    WeightSpec.checkElements(where(), weight, shape, keys);
    for (WeightSpec w : weights) {
      if (w.name().equals(weight)) throw new IllegalStateException(where() + " declares " + weight + " twice");
    }
    WeightSpec w = new WeightSpec(name, weight, Shape.of(shape), trainableWeight && trainable, init);
    weights.add(w);
    return w;
  }

  public final List<WeightSpec> weights() {
    return Collections.unmodifiableList(weights);
  }

  public final boolean isBuilt() {
    return inputShapes != null;
  }

  /** The (first) inbound shape it was built for. */
  public final Shape inputShape() {
    return inputShapes == null ? null : inputShapes.get(0);
  }

  /** Every inbound shape it was built for, in order. */
  public final List<Shape> inputShapes() {
    return inputShapes;
  }

  public final Shape outputShape() {
    return outputShape;
  }

  /** Rank check with a message naming the layer, expected and received. */
  protected final void requireRank(Shape input, int rank, String layout) {
    Shapes.requireRank(where(), input, rank, layout);
  }

  @Override
  public String toString() {
    return where();
  }
}

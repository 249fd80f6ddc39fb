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

  /**
   * Validates and keeps the two keys every layer has.
   *
   * @param name the layer's name, unique in a model; a valid identifier
   * @param trainable false freezes every weight of this layer
   * @throws BadInputException when the name is not a valid identifier
   */
  protected Layer(String name, boolean trainable) {
    this.name = Checks.name(getClass().getSimpleName(), name);
    this.trainable = trainable;
  }

  /**
   * Applies this layer to earlier nodes of a functional declaration ({@code Model.functional}) and
   * gives its node (Keras: {@code layer(x)}).
   *
   * @param inbound the nodes whose outputs this layer takes, in order; all of one declaration
   * @return the node of this layer's output
   * @throws BadInputException when no node is given or the count is outside {@link #arity()}
   */
  public final Node on(Node... inbound) {
    if (inbound.length == 0) throw new BadInputException(where() + ": applied to no node; expected " + arity());
    return inbound[0].owner().apply(this, inbound);
  }

  /**
   * The type name of docs/layers.md and of the JSON spec, e.g. "Dense".
   *
   * @return the type name
   */
  public abstract String type();

  /**
   * The layer's name, unique within a model; weights are named {@code <name>.<weight>}.
   *
   * @return the name
   */
  public final String name() {
    return name;
  }

  /**
   * Whether the layer's weights are trained (false: frozen, as Keras' {@code trainable=False}).
   *
   * @return the trainable flag of the config
   */
  public final boolean trainable() {
    return trainable;
  }

  /**
   * "Dense 'fc1'": how messages name this layer.
   *
   * @return type and quoted name
   */
  public final String where() {
    return type() + " '" + name + "'";
  }

  /**
   * The JSON config of docs/model-spec.md, every key written (defaults included): lossless round trip.
   *
   * @return a new ordered map: type, name, the layer's own keys, trainable
   */
  public final Map<String, Object> config() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", type());
    out.put("name", name);
    writeConfig(out);
    out.put("trainable", trainable);
    return out;
  }

  /**
   * Writes the layer's own keys, in the order of docs/layers.md.
   *
   * @param out the config being written; {@code type} and {@code name} are already in it
   */
  protected abstract void writeConfig(Map<String, Object> out);

  /**
   * How many inbound tensors this layer takes: every layer exactly one, merge layers
   * ({@link MergeLayer}) two or more. A layer of several inputs overrides this,
   * {@link #computeBuild(List)} and {@link #call(Ops, List, CallContext)}.
   *
   * @return the least number of inbound tensors
   */
  public int minInbound() {
    return 1;
  }

  /**
   * At most this many inbound tensors ({@link Integer#MAX_VALUE}: no limit).
   *
   * @return the greatest number of inbound tensors
   */
  public int maxInbound() {
    return 1;
  }

  /**
   * Creates the weights for this input shape (once) and returns the output shape.
   *
   * @param input the input shape, batch axis included as -1
   * @return the output shape, batch axis included as -1
   * @throws BadInputException when the shape does not suit the layer, or differs from the one it was
   *     built for
   */
  public final Shape build(Shape input) {
    return build(List.of(input));
  }

  /**
   * Creates the weights for these inbound shapes (once) and returns the output shape. The number of
   * shapes is checked against {@link #minInbound()}..{@link #maxInbound()}. Building again with
   * compatible shapes returns the same output shape and declares nothing.
   *
   * @param inputs the inbound shapes in inbound order, batch axis included as -1
   * @return the output shape, batch axis included as -1
   * @throws BadInputException when the count or a shape does not suit the layer, when the layer
   *     shares another's weights, or when it was built for other shapes
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
   *
   * @param original the layer whose weights and function this one uses
   * @param inputs this layer's inbound shapes
   * @param out the output shape the original computes for {@code inputs}
   * @throws BadInputException when this layer already has weights of its own
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

  /**
   * "exactly 1 inbound tensor", "2 or more inbound tensors", ...: how messages state
   * {@link #minInbound()}..{@link #maxInbound()}.
   *
   * @return the accepted count, in words
   */
  public final String arity() {
    int lo = minInbound(), hi = maxInbound();
    if (lo == hi) return "exactly " + lo + " inbound tensor" + (lo == 1 ? "" : "s");
    return hi == Integer.MAX_VALUE ? lo + " or more inbound tensors" : lo + " to " + hi + " inbound tensors";
  }

  /**
   * Several inbound shapes: layers of one input need not override this (it calls {@link #computeBuild(Shape)}).
   *
   * @param inputs the inbound shapes, their count already checked
   * @return the output shape
   * @throws BadInputException when the shapes do not suit the layer
   */
  protected Shape computeBuild(List<Shape> inputs) {
    return computeBuild(inputs.get(0));
  }

  /**
   * Checks the input shape, declares weights with {@link #addWeight}, returns the output shape.
   *
   * @param input the input shape, batch axis included as -1
   * @return the output shape, batch axis included as -1
   * @throws BadInputException when the shape does not suit the layer
   */
  protected abstract Shape computeBuild(Shape input);

  /**
   * The call with every inbound tensor, in inbound order. Layers of one input need not override
   * this: it calls {@link #call(Ops, Operand, CallContext)}.
   *
   * @param <T> the float type of the model (float32 or float64)
   * @param tf the ops to add to
   * @param inputs the inbound tensors, shaped as built
   * @param ctx training flag, the weights' variables and the step's seed
   * @return the output tensor, of the built output shape
   */
  public <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx) {
    return call(tf, inputs.get(0), ctx);
  }

  /**
   * Pure: ops in, ops out. Runs after {@link #build}.
   *
   * @param <T> the float type of the model (float32 or float64)
   * @param tf the ops to add to
   * @param x the input tensor, of the built input shape
   * @param ctx training flag, the weights' variables ({@link CallContext}) and the step's seed
   * @return the output tensor, of the built output shape
   */
  public abstract <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx);

  /**
   * This layer's term of the training loss (null for none), e.g. an L2 penalty on a weight.
   *
   * @param <T> the float type of the model
   * @param tf the ops to add to
   * @param ctx gives the weights' variables
   * @param type the float type's class
   * @return a scalar added to the loss, or null
   */
  public <T extends TNumber> Operand<T> regularization(Ops tf, CallContext ctx, Class<T> type) {
    return null;
  }

  /**
   * Declares a weight; as {@link #addWeight(String, long[], boolean, Initializer, String)} without
   * naming the keys that set its size.
   *
   * @param weight the weight's name within the layer, e.g. "kernel"
   * @param shape its dimensions
   * @param trainableWeight false for a weight the optimizer never updates (e.g. a moving mean);
   *     ignored (false) when the layer is not trainable
   * @param init how its first value is drawn
   * @return the declared weight
   * @throws BadInputException when it has more than {@link Checks#MAX_WEIGHT_ELEMENTS} elements
   */
  protected final WeightSpec addWeight(String weight, long[] shape, boolean trainableWeight, Initializer init) {
    return addWeight(weight, shape, trainableWeight, init, null);
  }

  /**
   * Declares a weight. Its element count is computed exactly and must be at most
   * {@link Checks#MAX_WEIGHT_ELEMENTS}; {@code keys} names what sets its size (e.g. "units or the
   * input features") for the message.
   *
   * @param weight the weight's name within the layer, e.g. "kernel"
   * @param shape its dimensions
   * @param trainableWeight false for a weight the optimizer never updates (e.g. a moving mean);
   *     ignored (false) when the layer is not trainable
   * @param init how its first value is drawn
   * @param keys the config keys that set its size, for the message; null for none
   * @return the declared weight
   * @throws BadInputException when it has too many elements
   * @throws IllegalStateException when the layer declares the same name twice (a bug in the layer)
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

  /**
   * The weights declared by {@link #build}, in declaration order (none for a sharing layer).
   *
   * @return the weights, unmodifiable
   */
  public final List<WeightSpec> weights() {
    return Collections.unmodifiableList(weights);
  }

  /**
   * Whether {@link #build} has run (or the layer was built as a sharing layer).
   *
   * @return true once built
   */
  public final boolean isBuilt() {
    return inputShapes != null;
  }

  /**
   * The (first) inbound shape it was built for.
   *
   * @return the shape, or null before {@link #build}
   */
  public final Shape inputShape() {
    return inputShapes == null ? null : inputShapes.get(0);
  }

  /**
   * Every inbound shape it was built for, in order.
   *
   * @return the shapes, or null before {@link #build}
   */
  public final List<Shape> inputShapes() {
    return inputShapes;
  }

  /**
   * The output shape it was built for.
   *
   * @return the shape, batch axis included as -1, or null before {@link #build}
   */
  public final Shape outputShape() {
    return outputShape;
  }

  /**
   * Rank check with a message naming the layer, expected and received.
   *
   * @param input the shape to check
   * @param rank the expected number of dimensions, batch axis included
   * @param layout the expected layout for the message, e.g. "[batch, height, width, channels]"
   * @throws BadInputException when the rank differs
   */
  protected final void requireRank(Shape input, int rank, String layout) {
    Shapes.requireRank(where(), input, rank, layout);
  }

  @Override
  public String toString() {
    return where();
  }
}

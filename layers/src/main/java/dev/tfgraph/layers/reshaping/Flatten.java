package dev.tfgraph.layers.reshaping;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** [batch, ...] to [batch, product], row-major (NHWC order). */
public final class Flatten extends Layer {
  private long size;

  /**
   * A flatten layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Flatten(String name, boolean trainable) {
    super(name, trainable);
  }

  /**
   * A flatten layer.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  public Flatten(String name) {
    this(name, true);
  }

  @Override public String type() { return "Flatten"; }

  /**
   * Reads this layer's keys from a spec (it has none of its own); registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static Flatten parse(ConfigReader c, String name, boolean trainable) {
    return new Flatten(name, trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {}

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, input.numDimensions(), "[batch, ...]");
    size = Shapes.exampleSize(input);
    return Shapes.batchOf(size);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return tf.reshape(x, tf.constant(new long[] {-1, size}));
  }
}

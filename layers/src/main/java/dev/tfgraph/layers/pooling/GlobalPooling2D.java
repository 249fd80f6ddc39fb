package dev.tfgraph.layers.pooling;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: NHWC [batch, H, W, C] to [batch, C], or
 * to [batch, 1, 1, C] with keepdims (default false, as Keras).
 */
public abstract class GlobalPooling2D extends Layer {
  /** keepdims when the spec gives none: false, as Keras. */
  public static final boolean DEFAULT_KEEPDIMS = false;
  /** Whether the output keeps height and width as 1: [batch, 1, 1, C] instead of [batch, C]. */
  protected final boolean keepdims;

  /**
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param keepdims true for [batch, 1, 1, C], false for [batch, C]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  protected GlobalPooling2D(String name, boolean keepdims, boolean trainable) {
    super(name, trainable);
    this.keepdims = keepdims;
  }

  /**
   * With keepdims false.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name is not valid
   */
  protected GlobalPooling2D(String name, boolean trainable) {
    this(name, DEFAULT_KEEPDIMS, trainable);
  }

  @Override
  protected final void writeConfig(Map<String, Object> out) {
    out.put("keepdims", keepdims);
  }

  @Override
  protected final Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    return keepdims ? Shapes.batchOf(1, 1, input.get(3)) : Shapes.batchOf(input.get(3));
  }
}

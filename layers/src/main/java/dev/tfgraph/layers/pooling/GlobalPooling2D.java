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
  public static final boolean DEFAULT_KEEPDIMS = false;
  protected final boolean keepdims;

  protected GlobalPooling2D(String name, boolean keepdims, boolean trainable) {
    super(name, trainable);
    this.keepdims = keepdims;
  }

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

package dev.tfgraph.layers;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/** What GlobalAveragePooling2D and GlobalMaxPooling2D share: no keys, NHWC [batch, H, W, C] to [batch, C]. */
public abstract class GlobalPooling2D extends Layer {
  protected GlobalPooling2D(String name, boolean trainable) {
    super(name, trainable);
  }

  @Override
  protected final void writeConfig(Map<String, Object> out) {}

  @Override
  protected final Shape computeBuild(Shape input) {
    requireRank(input, 4, "[batch, height, width, channels]");
    return Shapes.batchOf(input.get(3));
  }
}

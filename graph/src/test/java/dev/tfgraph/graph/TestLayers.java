package dev.tfgraph.graph;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** A layer type for the graph module's own tests (the real layers live in the layers module). */
public final class TestLayers implements LayerFactory {
  /** y = x · scale (one weight [n]); "width" changes nothing but is validated. */
  public static final class Scale extends Layer {
    private final int width;
    private WeightSpec scale;

    public Scale(String name, int width, boolean trainable) {
      super(name, trainable);
      this.width = Checks.positive(where(), "width", width);
    }

    @Override public String type() { return "Scale"; }

    @Override
    protected void writeConfig(Map<String, Object> out) {
      out.put("width", width);
    }

    @Override
    protected Shape computeBuild(Shape input) {
      requireRank(input, 2, "[batch, features]");
      if (input.get(1) != width) {
        throw new BadInputException(where() + ": expected " + width + " features, received shape " + Shapes.show(input));
      }
      scale = addWeight("scale", new long[] {width}, true, Initializer.ones());
      return input;
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      return tf.math.mul(x, ctx.read(tf, scale, x.type()));
    }
  }

  @Override
  public Map<String, Parser> parsers() {
    return Map.of("Scale", (c, n, t) -> new Scale(n, c.integer("width", null), t));
  }
}

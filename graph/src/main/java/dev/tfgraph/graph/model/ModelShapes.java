package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;

/**
 * The building of a {@link Model} once it is wired: each input checked, each layer built in order on
 * the shapes it takes (a sharing layer through the layer it shares), the output shape and labels
 * checked, and the whole model's size checked before anything is allocated.
 */
final class ModelShapes {
  private ModelShapes() {}

  static void build(Model m) {
    for (InputSpec in : m.inputs()) {
      Checks.activation("model '" + m.name() + "'", "input " + in.name(), Shapes.dims(in.shape()), null);
      if (!in.dtype().equals(m.dtype())) {
        throw new BadInputException("model '" + m.name() + "': input '" + in.name() + "' has dtype " + in.dtype()
            + ", expected " + m.dtype() + " (every input of a model has the model's dtype)");
      }
      m.shapes.put(in.name(), in.shape());
    }
    for (Layer l : m.layers()) {
      List<Shape> in = new ArrayList<>();
      for (String n : m.inbound.get(l.name())) in.add(m.shapes.get(n));
      Layer o = m.original(l);
      Shape out;
      if (o == l) {
        out = l.build(in);
      } else {
        Wiring.sameShapes(l, o, in);
        out = o.build(in);
        l.buildShared(o, in, out);
      }
      m.shapes.put(l.name(), out);
    }
    m.outputShape = m.shapes.get(m.outputLayer().name());
    checkSize(m, Runtime.getRuntime().maxMemory());
    if (m.labels() != null && m.outputShape.numDimensions() == 2 && m.labels().size() != m.outputShape.get(1)) {
      throw new BadInputException("model '" + m.name() + "': labels has " + m.labels().size()
          + " names, expected " + m.outputShape.get(1) + " (the output width)");
    }
  }

  /** Bytes per weight element in the model's dtype. */
  private static int elementBytes(Model m) {
    return m.dtype().equals("float64") ? 8 : 4;
  }

  /**
   * The whole model must fit before anything is allocated: its weights at most
   * {@link Checks#MAX_MODEL_BYTES} in its dtype, and, as Java materialises them as doubles when
   * initialising (8 bytes an element), within {@code heapBytes}. The message names the largest
   * weight, its shape and the limit.
   */
  static void checkSize(Model m, long heapBytes) {
    long total = m.parameterCount();
    if (total == 0) return;
    WeightSpec largest = null;
    for (WeightSpec w : m.weights()) if (largest == null || w.shape().size() > largest.shape().size()) largest = w;
    long bytes = total > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : total * elementBytes(m);
    long javaBytes = total > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : total * 8;
    String what = null;
    if (bytes > Checks.MAX_MODEL_BYTES) {
      what = String.format(java.util.Locale.ROOT, "%,d bytes as %s, more than the limit of %,d (16 GiB)", bytes, m.dtype(), Checks.MAX_MODEL_BYTES);
    } else if (javaBytes > heapBytes) {
      what = String.format(java.util.Locale.ROOT, "%,d bytes as Java doubles when initialised, more than this JVM's maximum heap of %,d"
          + " (raise it with -Xmx in TFGRAPH_JAVA_OPTS)", javaBytes, heapBytes);
    }
    if (what != null) {
      throw new BadInputException(String.format(java.util.Locale.ROOT, "model '%s': %,d parameters take %s; the largest weight is %s %s"
          + " (%,d elements, layer %s)", m.name(), total, what, largest.key(), Checks.show(largest.shape().asArray()),
          largest.shape().size(), m.layer(largest.layer()).where()));
    }
  }

  /** Every weight's elements, summed exactly (each weight was bounded when declared). */
  static long parameterCount(Model m) {
    long n = 0;
    try {
      for (WeightSpec w : m.weights()) n = Math.addExact(n, w.shape().size());
    } catch (ArithmeticException e) {
      throw new BadInputException("model '" + m.name() + "': more than 2^63 parameters in all");
    }
    return n;
  }
}

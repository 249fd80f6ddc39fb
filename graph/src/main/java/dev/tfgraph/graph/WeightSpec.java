package dev.tfgraph.graph;

import dev.tfgraph.graph.runtime.ModelGraph;
import java.util.Locale;
import org.tensorflow.ndarray.Shape;

/**
 * A layer's weight as declared at build time: addressed as {@code <layer>.<weight>}. The graph
 * variable that holds it lives in a {@link ModelGraph}, so one built layer serves several graphs
 * (training, inference, export).
 */
public record WeightSpec(String layer, String name, Shape shape, boolean trainable, Initializer init) {
  /**
   * @param layer the owning layer's name
   * @param name the weight's name in the layer, e.g. "kernel"
   * @param shape the weight's shape (no batch axis)
   * @param trainable whether the optimizer updates it (false: e.g. moving statistics)
   * @param init its initial values
   * @throws BadInputException if the layer's or the weight's name is not a valid name
   */
  public WeightSpec {
    Checks.name(layer, layer);
    Checks.name(layer + "." + name, name);
  }

  /**
   * The contract's key: {@code <layer>.<weight>}.
   * @return the key
   */
  public String key() {
    return layer + "." + name;
  }

  /**
   * The variable's graph name: no '/' or '.' (optimizer slot names are derived from it).
   * @return the name
   */
  public String varName() {
    return OpNames.of(layer) + "__" + name;
  }

  /**
   * A weight of {@code shape} holds 1 to {@link Checks#MAX_WEIGHT_ELEMENTS} elements (one Java
   * array), counted exactly; else bad input naming the layer ({@code where}), the weight and, when
   * given, the {@code keys} that set its size.
   */
  static void checkElements(String where, String weight, long[] shape, String keys) {
    Long n = Checks.elements(shape);
    boolean bad = n == null || n > Checks.MAX_WEIGHT_ELEMENTS;
    for (long d : shape) bad |= d < 1;
    if (bad) {
      throw new BadInputException(where + ": weight " + weight + " of shape " + Checks.show(shape) + " would hold "
          + (n == null ? "more than 2^63" : String.format(Locale.ROOT, "%,d", n)) + " elements; a weight holds 1 to "
          + String.format(Locale.ROOT, "%,d", Checks.MAX_WEIGHT_ELEMENTS) + " (2^31 - 9, one Java array)"
          + (keys == null ? "" : "; reduce " + keys));
    }
  }
}

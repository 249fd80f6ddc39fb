package dev.tfgraph.graph;

import dev.tfgraph.graph.runtime.ModelGraph;
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
}

package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Shapes;
import java.util.List;
import org.tensorflow.ndarray.Shape;

/** The model's input: its signature name, shape (batch axis -1) and dtype. */
public record InputSpec(String name, Shape shape, String dtype) {
  /** The dtypes a model may have. */
  public static final List<String> DTYPES = List.of("float32", "float64");

  /**
   * Checks the input.
   * @param name the input's signature name: 1-128 letters, digits, '_' or '-'
   * @param shape its shape: the batch axis -1, then at least one positive size
   * @param dtype one of {@link #DTYPES}
   * @throws BadInputException if the name is not valid, the shape does not start with the batch axis -1
   *     followed by at least one positive size, or the dtype is not in {@link #DTYPES}
   */
  public InputSpec {
    Checks.name("input", name);
    if (shape.numDimensions() < 2 || shape.get(0) != -1) {
      throw new BadInputException("input: shape must start with the batch axis null and have at least one more axis, received "
          + Shapes.show(shape));
    }
    for (int i = 1; i < shape.numDimensions(); i++) {
      if (shape.get(i) < 1) throw new BadInputException("input: shape must have positive non-batch dimensions, received " + Shapes.show(shape));
    }
    Checks.oneOf("input", "dtype", dtype, DTYPES);
  }
}

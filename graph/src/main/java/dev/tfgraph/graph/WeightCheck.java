package dev.tfgraph.graph;

import dev.tfgraph.graph.data.NpyArray;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** All-or-nothing validation of a weights map against a model: keys, shapes, dtypes. */
public final class WeightCheck {
  private WeightCheck() {}

  public static void check(Model model, Map<String, NpyArray> weights, String source) {
    Set<String> expected = new TreeSet<>();
    for (WeightSpec w : model.weights()) {
      expected.add(w.key());
      NpyArray a = weights.get(w.key());
      if (a == null) {
        throw new BadInputException(source + ": missing weight \"" + w.key() + "\" (expected shape "
            + Arrays.toString(w.shape().asArray()) + ")");
      }
      if (!Arrays.equals(a.shape(), w.shape().asArray())) {
        throw new BadInputException(source + ": weight \"" + w.key() + "\" has shape " + a.shapeString()
            + ", expected " + Arrays.toString(w.shape().asArray()));
      }
      if (!a.isFloating()) {
        throw new BadInputException(source + ": weight \"" + w.key() + "\" has dtype " + a.dtypeName()
            + ", expected float32 or float64");
      }
    }
    for (String k : weights.keySet()) {
      if (!expected.contains(k)) {
        throw new BadInputException(source + ": unknown weight \"" + k + "\"; the model's weights are " + expected);
      }
    }
  }
}

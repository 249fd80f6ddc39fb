package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * All-or-nothing validation of a weights map against a model: keys, shapes, dtypes, and finite
 * values in the model's dtype (float64 values beyond float32's range are infinite there).
 */
public final class WeightCheck {
  private WeightCheck() {}

  /**
   * Checks a weights map before anything is loaded.
   * @param model the model
   * @param weights the weights by key ({@code <layer>.<weight>})
   * @param source where they come from, as the message names it (e.g. a file)
   * @throws BadInputException if a weight is missing or unknown, of another shape, not a float dtype, or not
   *     finite in the model's dtype
   */
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
    String bad = nonFinite(weights, model.input().dtype().equals("float64"));
    if (bad != null) throw new BadInputException(source + ": " + bad + "; expected finite values");
  }

  /**
   * For weights a run produced (checkpoints, --save-weights, an export after training): a
   * non-finite value fails the run (exit 3), naming the weight and the index.
   * @param weights the weights by key
   * @param float64 whether the model's dtype is float64
   * @param what what is being saved, as the message names it
   * @throws RunFailedException if a value is not finite
   */
  public static void requireFinite(Map<String, NpyArray> weights, boolean float64, String what) {
    String bad = nonFinite(weights, float64);
    if (bad != null) {
      throw new RunFailedException(what + ": " + bad + " (training diverged: lower the learning rate or set a clip norm)");
    }
  }

  /**
   * The first weight with a value that is NaN or infinite once cast to the model's dtype, as
   * "weight \"fc.kernel\" is not finite at index [2, 0] (NaN)", or null if every value is finite.
   * @param weights the weights by key (non-float arrays are passed over)
   * @param float64 whether the model's dtype is float64
   * @return the description, or null
   */
  public static String nonFinite(Map<String, NpyArray> weights, boolean float64) {
    for (Map.Entry<String, NpyArray> e : weights.entrySet()) {
      NpyArray a = e.getValue();
      if (a == null || !a.isFloating()) continue;
      float[] f = float64 ? null : a.toFloats();
      double[] d = float64 ? a.toDoubles() : null;
      int i = f != null ? Finite.first(f) : Finite.first(d);
      if (i < 0) continue;
      String value = f != null ? String.valueOf(f[i]) : String.valueOf(d[i]);
      if (f != null && a.kind() == NpyArray.Kind.FLOAT64) {
        double v = a.toDoubles()[i];
        if (Double.isFinite(v)) value = v + " beyond float32's range, the model's dtype";
      }
      return "weight \"" + e.getKey() + "\" is not finite at index " + Finite.index(i, a.shape()) + " (" + value + ")";
    }
    return null;
  }
}

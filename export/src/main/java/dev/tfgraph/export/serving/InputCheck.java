package dev.tfgraph.export.serving;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import org.tensorflow.proto.DataType;

/** The check of one array against a {@link Predictor}'s signature input, in Java before TF runs: rank, sizes, dtype and range. */
final class InputCheck {
  private InputCheck() {}

  /** Checks x against the signature input {@code name}. */
  static void check(Predictor p, String name, NpyArray x) {
    long[] want = p.inputShape(name);
    String which = p.inputs.size() == 1 ? "input" : "input " + name;
    long[] s = x.shape();
    if (!x.isFloating()) {
      throw new BadInputException(which + " has dtype " + x.dtypeName() + ", expected float32 (or float64, cast)");
    }
    boolean ok = s.length == want.length;
    for (int i = 1; ok && i < s.length; i++) ok = want[i] < 0 || s[i] == want[i];
    if (!ok) {
      throw new BadInputException(which + " has shape " + x.shapeString() + ", expected " + showShape(want)
          + " (signature input \"" + name + "\")");
    }
    if (s[0] == 0) throw new BadInputException(which + " has an empty batch (shape " + x.shapeString() + ")");
    if (x.kind() == NpyArray.Kind.FLOAT64 && p.info(name).getDtype() != DataType.DT_DOUBLE) {   // fed as float32: beyond its range, infinite
      double[] d = x.toDoubles();
      for (int i = 0; i < d.length; i++) {
        if (Double.isFinite(d[i]) && Float.isInfinite((float) d[i])) {
          throw new BadInputException(which + " holds " + d[i] + " at " + dev.tfgraph.graph.runtime.Finite.index(i, s)
              + ", outside float32's range (|x| <= " + Float.MAX_VALUE + ")");
        }
      }
    }
  }

  static String showShape(long[] s) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) b.append(i > 0 ? ", " : "").append(s[i] < 0 ? "None" : String.valueOf(s[i]));
    return b.append("]").toString();
  }
}

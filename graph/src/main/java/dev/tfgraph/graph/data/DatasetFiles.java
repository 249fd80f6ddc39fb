package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.Idx;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@link Dataset}s read from files: IDX (MNIST, Fashion-MNIST), npy, and arrays by input name. */
final class DatasetFiles {
  private DatasetFiles() {}

  /** IDX images (pixels / 255; [n, h, w] becomes [h, w, 1]) and labels. */
  static Dataset fromIdx(Path images, Path labels) {
    NpyArray img = Idx.read(images), lab = Idx.read(labels);
    long[] s = img.shape();
    if (lab.shape().length != 1 || lab.shape()[0] != s[0]) {
      throw new BadInputException(labels + ": " + lab.shapeString() + " labels do not match " + s[0] + " images in " + images);
    }
    long[] ex = s.length == 3 ? new long[] {s[1], s[2], 1} : Arrays.copyOfRange(s, 1, s.length);
    float[] x = img.toFloats();
    if (img.kind() == NpyArray.Kind.UINT8) for (int i = 0; i < x.length; i++) x[i] /= 255f;
    return new Dataset(x, lab.toInts(), ex);
  }

  /** x: float32/float64 [n, ...]; y: any integer dtype [n]. */
  static Dataset fromNpy(Path xFile, Path yFile) {
    NpyArray x = Npy.read(xFile), y = Npy.read(yFile);
    if (!x.isFloating()) throw new BadInputException(xFile + ": expected float32 or float64, received " + x.dtypeName());
    if (y.isFloating()) throw new BadInputException(yFile + ": labels must have an integer dtype, received " + y.dtypeName());
    long[] s = x.shape();
    if (s.length < 2) throw new BadInputException(xFile + ": expected shape [n, ...], received " + x.shapeString());
    if (y.shape().length != 1 || y.shape()[0] != s[0]) {
      throw new BadInputException(yFile + ": expected shape [" + s[0] + "] (one label per example of " + xFile + "), received " + y.shapeString());
    }
    return new Dataset(x.toFloats(), labels(y, yFile.toString()), Arrays.copyOfRange(s, 1, s.length));
  }

  /**
   * Arrays by input name (the key null: one unnamed input), each float32/float64 [n, ...], and
   * integer labels [n] ({@code yWhat} names the labels' file in messages); with {@code floatTargets},
   * y holds float targets [n, ...] (a loss other than sparse categorical cross-entropy) and integer
   * ones are taken as floats.
   */
  static Dataset fromArrays(java.util.Map<String, NpyArray> xs, NpyArray y, String yWhat, boolean floatTargets) {
    if (!floatTargets && y.isFloating()) {
      throw new BadInputException(yWhat + ": labels must have an integer dtype, received " + y.dtypeName()
          + " (float targets need a loss that takes them (loss): categorical_crossentropy, binary_crossentropy, mse or mae)");
    }
    List<Dataset.Input> inputs = new java.util.ArrayList<>();
    String first = null;
    for (var e : xs.entrySet()) {
      NpyArray x = e.getValue();
      String what = e.getKey() == null ? "x" : "input " + e.getKey();
      if (!x.isFloating()) throw new BadInputException(what + ": expected float32 or float64, received " + x.dtypeName());
      long[] s = x.shape();
      if (s.length < 2) throw new BadInputException(what + ": expected shape [n, ...], received " + x.shapeString());
      if (first != null && s[0] != xs.get(first).shape()[0]) {
        throw new BadInputException(what + " has " + s[0] + " examples, expected " + xs.get(first).shape()[0] + " (as input " + first
            + ": one row per example in every input)");
      }
      if (first == null) first = e.getKey();
      boolean rowsMatch = y.shape().length >= 1 && y.shape()[0] == s[0];
      if (!rowsMatch || (!floatTargets && y.shape().length != 1)) {
        throw new BadInputException(yWhat + ": expected shape [" + s[0] + (floatTargets ? ", ..." : "") + "] (one "
            + (floatTargets ? "target" : "label") + " per example of " + what + "), received " + y.shapeString());
      }
      inputs.add(new Dataset.Input(e.getKey(), x.toFloats(), Arrays.copyOfRange(s, 1, s.length)));
    }
    if (floatTargets) {
      long[] ts = y.shape();
      return new Dataset(inputs, null, new Dataset.Input("targets", y.toFloats(), Arrays.copyOfRange(ts, 1, ts.length)));
    }
    return new Dataset(inputs, labels(y, yWhat));
  }

  /** Integer labels, a value that does not fit named with the file. */
  static int[] labels(NpyArray y, String yWhat) {
    try {
      return y.toInts();
    } catch (BadInputException e) {
      throw new BadInputException(yWhat + ": " + e.getMessage(), e);
    }
  }

  /** train-* or t10k-* IDX files in dir, .gz or raw. */
  static Dataset fashionMnist(Path dir, boolean train) {
    String p = train ? "train" : "t10k";
    return fromIdx(find(dir, p + "-images-idx3-ubyte"), find(dir, p + "-labels-idx1-ubyte"));
  }

  private static Path find(Path dir, String base) {
    for (String suffix : new String[] {".gz", ""}) {
      Path f = dir.resolve(base + suffix);
      if (Files.isRegularFile(f)) return f;
    }
    throw new BadInputException(dir + ": no " + base + ".gz or " + base + " (expected the Fashion-MNIST/MNIST IDX files)");
  }
}

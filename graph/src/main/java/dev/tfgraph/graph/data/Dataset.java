package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.BadInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Labelled examples in memory: one or more inputs, each row-major [n, ...its example shape] and
 * named as the model input it feeds (the name may be null when there is one), and either integer
 * labels y [n] or float targets [n, ...] (then y is null; regression, one-hot, binary targets).
 */
public record Dataset(List<Input> inputs, int[] y, Input targets) implements DataSource {
  /** One input's examples: its name (null: the model's only input), rows, example shape. */
  public record Input(String name, float[] x, long[] shape) {
    public long exampleSize() {
      long n = 1;
      for (long d : shape) n = Math.multiplyExact(n, d);
      return n;
    }
  }

  public Dataset {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) throw new BadInputException("dataset: no inputs");
    if ((y == null) == (targets == null)) throw new IllegalArgumentException("dataset: give either labels or targets");
    int n = y != null ? y.length : rows(targets);
    Set<String> names = new HashSet<>();
    for (Input in : inputs) {
      if (inputs.size() > 1 && in.name() == null) throw new BadInputException("dataset: every input of several needs a name");
      if (in.name() != null && !names.add(in.name())) throw new BadInputException("dataset: input \"" + in.name() + "\" given twice");
      if (in.x().length != (long) n * in.exampleSize()) {
        throw new BadInputException("dataset: " + in.x().length + " values for " + n + " examples of shape "
            + Arrays.toString(in.shape()) + (in.name() == null ? "" : " (input " + in.name() + ")"));
      }
    }
    for (int i = 0; y != null && i < y.length; i++) {
      if (y[i] < 0) throw new BadInputException("dataset: label " + y[i] + " of example " + i + " is negative");
    }
  }

  /** Inputs with integer labels. */
  public Dataset(List<Input> inputs, int[] y) {
    this(inputs, y, null);
  }

  private static int rows(Input t) {
    long es = t.exampleSize();
    if (es == 0 || t.x().length % es != 0) throw new BadInputException("dataset: targets do not divide into rows of shape " + Arrays.toString(t.shape()));
    return Math.toIntExact(t.x().length / es);
  }

  /** One unnamed input. */
  public Dataset(float[] x, int[] y, long[] exampleShape) {
    this(List.of(new Input(null, x, exampleShape)), y);
  }

  /** The first input's rows. */
  public float[] x() {
    return inputs.get(0).x();
  }

  /** The first input's example shape. */
  public long[] exampleShape() {
    return inputs.get(0).shape();
  }

  @Override
  public int size() {
    return y != null ? y.length : rows(targets);
  }

  @Override
  public String describe() {
    return "the arrays in memory";
  }

  @Override
  public Dataset inMemory() {
    return this;
  }

  @Override
  public Reader batches(int epoch, long seed, boolean shuffle, int batchSize) {
    return DataSource.byPosition(size(), epoch, seed, shuffle, batchSize, this::rows);
  }

  /** Rows {@code order[from .. from+n)} of every input and of the labels or targets, copied into a Dataset of their own. */
  public Dataset rows(int[] order, int from, int n) {
    List<Input> xs = new java.util.ArrayList<>();
    for (Input in : inputs) xs.add(new Input(in.name(), rows(in, order, from, n), in.shape()));
    if (y != null) {
      int[] ys = new int[n];
      for (int i = 0; i < n; i++) ys[i] = y[order[from + i]];
      return new Dataset(xs, ys, null);
    }
    return new Dataset(xs, null, new Input(targets.name(), rows(targets, order, from, n), targets.shape()));
  }

  private static float[] rows(Input in, int[] order, int from, int n) {
    int es = Math.toIntExact(in.exampleSize());
    float[] x = new float[Math.multiplyExact(n, es)];
    for (int i = 0; i < n; i++) System.arraycopy(in.x(), order[from + i] * es, x, i * es, es);
    return x;
  }

  /** The first input's values per example. */
  public long exampleSize() {
    return inputs.get(0).exampleSize();
  }

  /** IDX images (pixels / 255; [n, h, w] becomes [h, w, 1]) and labels. */
  public static Dataset fromIdx(Path images, Path labels) {
    return DatasetFiles.fromIdx(images, labels);
  }

  /** x: float32/float64 [n, ...]; y: any integer dtype [n]. */
  public static Dataset fromNpy(Path xFile, Path yFile) {
    return DatasetFiles.fromNpy(xFile, yFile);
  }

  /**
   * Arrays by input name (the key null: one unnamed input), each float32/float64 [n, ...], and
   * integer labels [n]; {@code yWhat} names the labels' file in messages.
   */
  public static Dataset fromArrays(java.util.Map<String, NpyArray> xs, NpyArray y, String yWhat) {
    return fromArrays(xs, y, yWhat, false);
  }

  /**
   * As above; with {@code floatTargets}, y holds float targets [n, ...] (a loss other than sparse
   * categorical cross-entropy) and integer ones are taken as floats.
   */
  public static Dataset fromArrays(java.util.Map<String, NpyArray> xs, NpyArray y, String yWhat, boolean floatTargets) {
    return DatasetFiles.fromArrays(xs, y, yWhat, floatTargets);
  }

  /** train-* or t10k-* IDX files in dir, .gz or raw. */
  public static Dataset fashionMnist(Path dir, boolean train) {
    return DatasetFiles.fashionMnist(dir, train);
  }

  @Override
  public Dataset subset(int[] indices) {
    return rows(indices, 0, indices.length);
  }

  public int numClasses() {
    if (y == null) return 0;
    int m = -1;
    for (int v : y) m = Math.max(m, v);
    return m + 1;
  }
}

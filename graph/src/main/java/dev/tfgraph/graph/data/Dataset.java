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
    /** {@return values per example: the product of the example shape} */
    public long exampleSize() {
      long n = 1;
      for (long d : shape) n = Math.multiplyExact(n, d);
      return n;
    }
  }

  /**
   * Checks that every input holds the same number of examples as the labels or targets.
   *
   * @param inputs each input's name and rows, row-major [n, ...example shape]; at least one
   * @param y class indices [n], each at least 0; or null with targets
   * @param targets float targets, row-major [n, ...]; or null with labels
   * @throws BadInputException when there is no input, a name is missing or repeated, an input's
   *     length is not examples · example size, or a label is negative
   * @throws IllegalArgumentException when both or neither of labels and targets are given
   */
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

  /**
   * Inputs with integer labels.
   *
   * @param inputs each input's name and rows, row-major [n, ...example shape]
   * @param y class indices [n], each at least 0
   * @throws BadInputException as the canonical constructor
   */
  public Dataset(List<Input> inputs, int[] y) {
    this(inputs, y, null);
  }

  private static int rows(Input t) {
    long es = t.exampleSize();
    if (es == 0 || t.x().length % es != 0) throw new BadInputException("dataset: targets do not divide into rows of shape " + Arrays.toString(t.shape()));
    return Math.toIntExact(t.x().length / es);
  }

  /**
   * One unnamed input.
   *
   * @param x the examples, row-major [n, ...exampleShape]
   * @param y class indices [n], each at least 0
   * @param exampleShape one example's shape, e.g. {28, 28, 1}
   * @throws BadInputException when x does not hold y.length examples of that shape
   */
  public Dataset(float[] x, int[] y, long[] exampleShape) {
    this(List.of(new Input(null, x, exampleShape)), y);
  }

  /** {@return the first input's rows, row-major [n, ...example shape]} */
  public float[] x() {
    return inputs.get(0).x();
  }

  /** {@return the first input's example shape} */
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

  /**
   * Rows {@code order[from .. from+n)} of every input and of the labels or targets, copied into a Dataset of their own.
   *
   * @param order example indices, e.g. an epoch's permutation
   * @param from the first position in {@code order}
   * @param n how many rows to copy
   * @return a new data set of n examples
   */
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

  /** {@return the first input's values per example} */
  public long exampleSize() {
    return inputs.get(0).exampleSize();
  }

  /**
   * IDX images (pixels / 255; [n, h, w] becomes [h, w, 1]) and labels.
   *
   * @param images an IDX file of unsigned bytes [n, h, w], raw or .gz
   * @param labels an IDX file of unsigned bytes [n], raw or .gz
   * @return the data set, float32 pixels in [0, 1]
   * @throws BadInputException when a file is unreadable, malformed, or the counts differ
   */
  public static Dataset fromIdx(Path images, Path labels) {
    return DatasetFiles.fromIdx(images, labels);
  }

  /**
   * x: float32/float64 [n, ...]; y: any integer dtype [n].
   *
   * @param xFile a .npy file of float32 or float64 [n, ...]
   * @param yFile a .npy file of integer labels [n]
   * @return the data set
   * @throws BadInputException when a file is unreadable, malformed, of another dtype, or the counts differ
   */
  public static Dataset fromNpy(Path xFile, Path yFile) {
    return DatasetFiles.fromNpy(xFile, yFile);
  }

  /**
   * Arrays by input name (the key null: one unnamed input), each float32/float64 [n, ...], and
   * integer labels [n]; {@code yWhat} names the labels' file in messages.
   *
   * @param xs arrays by model input name
   * @param y integer labels [n]
   * @param yWhat the labels' origin, for messages
   * @return the data set
   * @throws BadInputException when a dtype is wrong or the counts differ
   */
  public static Dataset fromArrays(java.util.Map<String, NpyArray> xs, NpyArray y, String yWhat) {
    return fromArrays(xs, y, yWhat, false);
  }

  /**
   * As above; with {@code floatTargets}, y holds float targets [n, ...] (a loss other than sparse
   * categorical cross-entropy) and integer ones are taken as floats.
   *
   * @param xs arrays by model input name
   * @param y integer labels [n], or float targets [n, ...] with {@code floatTargets}
   * @param yWhat the labels' origin, for messages
   * @param floatTargets true to read y as float targets
   * @return the data set
   * @throws BadInputException when a dtype is wrong or the counts differ
   */
  public static Dataset fromArrays(java.util.Map<String, NpyArray> xs, NpyArray y, String yWhat, boolean floatTargets) {
    return DatasetFiles.fromArrays(xs, y, yWhat, floatTargets);
  }

  /**
   * train-* or t10k-* IDX files in dir, .gz or raw.
   *
   * @param dir the folder of the Fashion-MNIST files
   * @param train true for the 60,000 training examples, false for the 10,000 test examples
   * @return the data set, [n, 28, 28, 1] float32 in [0, 1], labels 0 to 9
   * @throws BadInputException when the files are missing or malformed
   */
  public static Dataset fashionMnist(Path dir, boolean train) {
    return DatasetFiles.fashionMnist(dir, train);
  }

  @Override
  public Dataset subset(int[] indices) {
    return rows(indices, 0, indices.length);
  }

  /** {@return the number of classes: the largest label plus one (0 for targets)} */
  public int numClasses() {
    if (y == null) return 0;
    int m = -1;
    for (int v : y) m = Math.max(m, v);
    return m + 1;
  }
}

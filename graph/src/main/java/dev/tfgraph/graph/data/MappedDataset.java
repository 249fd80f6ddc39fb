package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.MappedNpy;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A {@link Dataset} whose inputs stay in memory-mapped .npy files ({@link MappedNpy}): only the
 * labels (or float targets) are in memory, and a batch's rows are copied out when it is made.
 * {@code index} (null: every row in order) selects the rows, for a held-out share.
 */
public record MappedDataset(List<Named> inputs, int[] y, Dataset.Input targets, int[] index) implements DataSource {
  /** One input's mapped file and the model input it feeds (null: the only one). */
  public record Named(String name, MappedNpy x) {}

  /**
   * Checks that every input and the labels or targets count the same examples.
   *
   * @param inputs each input's mapped file and name; at least one, all with the same row count
   * @param y class indices [n], each at least 0; or null with targets
   * @param targets float targets, row-major [n, ...]; or null with labels
   * @param index the selected rows of the files, or null for every row in order
   * @throws BadInputException when there is no input, the counts differ, or a label is negative
   * @throws IllegalArgumentException when both or neither of labels and targets are given
   */
  public MappedDataset {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) throw new BadInputException("dataset: no inputs");
    if ((y == null) == (targets == null)) throw new IllegalArgumentException("dataset: give either labels or targets");
    int rows = inputs.get(0).x().rows();
    for (Named in : inputs) {
      if (in.x().rows() != rows) {
        throw new BadInputException(in.x().file() + ": " + in.x().rows() + " examples; " + inputs.get(0).x().file() + " has " + rows);
      }
    }
    int labelled = y != null ? y.length : Math.toIntExact(targets.x().length / Math.max(1, targets.exampleSize()));
    if (labelled != rows) throw new BadInputException("dataset: " + labelled + " labels for " + rows + " examples of " + inputs.get(0).x().file());
    for (int i = 0; y != null && i < y.length; i++) {
      if (y[i] < 0) throw new BadInputException("dataset: label " + y[i] + " of example " + i + " is negative");
    }
  }

  /**
   * Mapped arrays by input name (the key null: one unnamed input) and labels or targets read into
   * memory (as {@link Dataset#fromArrays} checks them).
   *
   * @param xs mapped .npy arrays by model input name, each float32 or float64 [n, ...]
   * @param y integer labels [n], or float targets [n, ...] with {@code floatTargets}
   * @param yWhat the labels' origin, for messages
   * @param floatTargets true to read y as float targets
   * @return the data set, every row selected
   * @throws BadInputException when y's shape or dtype does not fit, or the counts differ
   */
  public static MappedDataset of(Map<String, MappedNpy> xs, NpyArray y, String yWhat, boolean floatTargets) {
    List<Named> inputs = new ArrayList<>();
    for (var e : xs.entrySet()) inputs.add(new Named(e.getKey(), e.getValue()));
    long[] ys = y.shape();
    int rows = inputs.get(0).x().rows();
    if (ys.length < 1 || ys[0] != rows || (!floatTargets && ys.length != 1)) {
      throw new BadInputException(yWhat + ": expected shape [" + rows + (floatTargets ? ", ..." : "") + "] (one "
          + (floatTargets ? "target" : "label") + " per example of " + inputs.get(0).x().file() + "), received " + y.shapeString());
    }
    if (!floatTargets && y.isFloating()) {
      throw new BadInputException(yWhat + ": labels must have an integer dtype, received " + y.dtypeName()
          + " (float targets need a loss that takes them (loss): categorical_crossentropy, binary_crossentropy, mse or mae)");
    }
    if (floatTargets) return new MappedDataset(inputs, null, new Dataset.Input("targets", y.toFloats(), Arrays.copyOfRange(ys, 1, ys.length)), null);
    return new MappedDataset(inputs, DatasetFiles.labels(y, yWhat), null, null);
  }

  /** Rows evaluated at a time (training, evaluate) when a whole pass is needed. */
  public static final int CHUNK = 8192;

  /**
   * One mapped input (x [n, ...], float32/float64) and integer labels y [n], as {@link Dataset#fromNpy} reads them into memory.
   *
   * @param xFile a .npy file of float32 or float64 [n, ...], mapped
   * @param yFile a .npy file of integer labels [n], read
   * @return the data set
   * @throws BadInputException when a file is unreadable, malformed, of another dtype, or the counts differ
   */
  public static MappedDataset fromNpy(Path xFile, Path yFile) {
    return of(Collections.singletonMap(null, MappedNpy.open(xFile)), Npy.read(yFile), yFile.toString(), false);
  }

  @Override
  public int size() {
    return index != null ? index.length : inputs.get(0).x().rows();
  }

  /** The examples at these positions (of this dataset's rows). */
  @Override
  public MappedDataset subset(int[] positions) {
    int[] rows = new int[positions.length];
    for (int i = 0; i < rows.length; i++) rows[i] = index != null ? index[positions[i]] : positions[i];
    return new MappedDataset(inputs, y, targets, rows);
  }

  /**
   * Examples {@code order[from .. from+n)} (positions in this dataset) copied into an in-memory Dataset, in that order.
   *
   * @param order positions in this data set
   * @param from the first position in {@code order}
   * @param n how many rows
   * @return a new in-memory data set of n examples
   */
  public Dataset rows(int[] order, int from, int n) {
    int[] file = new int[n];
    for (int i = 0; i < n; i++) file[i] = index != null ? index[order[from + i]] : order[from + i];
    List<Dataset.Input> xs = new ArrayList<>();
    for (Named in : inputs) {
      float[] x = new float[Math.multiplyExact(n, in.x().exampleSize())];
      in.x().copyRows(file, 0, n, x);
      xs.add(new Dataset.Input(in.name(), x, in.x().exampleShape()));
    }
    if (y != null) {
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) labels[i] = y[file[i]];
      return new Dataset(xs, labels, null);
    }
    int es = Math.toIntExact(targets.exampleSize());
    float[] t = new float[n * es];
    for (int i = 0; i < n; i++) System.arraycopy(targets.x(), file[i] * es, t, i * es, es);
    return new Dataset(xs, null, new Dataset.Input(targets.name(), t, targets.shape()));
  }

  /** {@return every example in order, {@link #CHUNK} at a time, each chunk copied into memory when reached (a whole pass: evaluation)} */
  public Iterable<Dataset> chunks() {
    int[] all = new int[size()];
    for (int i = 0; i < all.length; i++) all[i] = i;
    return () -> new java.util.Iterator<>() {
      int from;

      @Override public boolean hasNext() { return from < all.length; }

      @Override public Dataset next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        Dataset c = rows(all, from, Math.min(CHUNK, all.length - from));
        from += CHUNK;
        return c;
      }
    };
  }

  @Override
  public String describe() {
    return (inputs.size() == 1 ? inputs.get(0).x().file().toString() : inputs.size() + " mapped arrays") + " (memory-mapped)";
  }

  @Override
  public Reader batches(int epoch, long seed, boolean shuffle, int batchSize) {
    return DataSource.byPosition(size(), epoch, seed, shuffle, batchSize, this::rows);
  }

  @Override
  public String toMemory() {
    return "load the arrays instead of mapping them: no memory_map, and a heap that holds them";
  }
}

package dev.tfgraph.graph.data;

import java.util.SplittableRandom;

/**
 * Examples for training and evaluation, read one batch at a time (Keras' data adapters): arrays in
 * memory ({@link Dataset}), memory-mapped arrays ({@link MappedDataset}) and images streamed from a
 * folder or TFRecords ({@link ImageStream}) are sources; so is any class of yours that implements the
 * three abstract methods. An epoch visits the examples in a seeded order ({@link #order}) that is the
 * same for every source, so the batches do not depend on where the examples come from.
 */
public interface DataSource {
  /** {@return the number of examples, known before the first epoch} */
  int size();

  /** {@return what the examples are, for messages ("2 mapped arrays", a folder's path)} */
  String describe();

  /**
   * The batches of epoch {@code epoch}: ⌈size / batchSize⌉ batches of at most {@code batchSize}
   * examples in {@link #order}{@code (size, seed, epoch, shuffle)}, each a Dataset of its own (its
   * arrays may be changed by the caller). A batch may hold fewer examples, or none, when a source
   * skips bad ones.
   *
   * @param epoch the epoch, from 0
   * @param seed the run's seed
   * @param shuffle false keeps the source's order
   * @param batchSize the most examples per batch, at least 1
   * @return the epoch's batches; the caller closes it
   */
  Reader batches(int epoch, long seed, boolean shuffle, int batchSize);

  /** One epoch's batches, in order; {@link #close} stops reading early. */
  interface Reader extends AutoCloseable {
    /**
     * {@return the next batch, or null after the last}
     *
     * @throws dev.tfgraph.graph.BadInputException when the source cannot be read or holds a bad example
     */
    Dataset next();

    @Override
    default void close() {}
  }

  /** {@return every example in memory (to adapt layers before the first step), or null when they are read batch by batch} */
  default Dataset inMemory() {
    return null;
  }

  /**
   * The examples at these positions, for a validation split; null when the source has no access by position.
   *
   * @param positions example indices, each in [0, size)
   * @return the subset, or null
   */
  default DataSource subset(int[] positions) {
    return null;
  }

  /** {@return how the examples can be had in memory instead (an option by name), for messages} */
  default String toMemory() {
    return "load the examples into memory";
  }

  /**
   * The order of epoch {@code epoch} of n examples: identity, or a Fisher–Yates shuffle seeded by (seed, epoch).
   *
   * @param n the number of examples
   * @param seed the run's seed
   * @param epoch the epoch, from 0
   * @param shuffle false gives the identity
   * @return a permutation of 0 .. n-1, the same on every machine for the same arguments
   */
  static int[] order(int n, long seed, int epoch, boolean shuffle) {
    int[] o = new int[n];
    for (int i = 0; i < n; i++) o[i] = i;
    if (!shuffle) return o;
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }

  /** Rows {@code order[from .. from+n)} of a source with access by position, copied into a Dataset of their own. */
  @FunctionalInterface
  interface Rows {
    /**
     * Copies rows into a data set of their own.
     *
     * @param order example indices
     * @param from the first position in {@code order}
     * @param n how many rows
     * @return a new data set of n examples
     */
    Dataset copy(int[] order, int from, int n);
  }

  /**
   * The batches of an epoch of {@code size} examples read by position: batch k is rows {@code order[k·B .. k·B+n)}.
   *
   * @param size the number of examples
   * @param epoch the epoch, from 0
   * @param seed the run's seed
   * @param shuffle false keeps the positions' order
   * @param batchSize B, at least 1
   * @param rows copies the rows of a batch
   * @return the epoch's batches
   * @throws IllegalArgumentException when {@code batchSize} is below 1
   */
  static Reader byPosition(int size, int epoch, long seed, boolean shuffle, int batchSize, Rows rows) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
    int[] order = order(size, seed, epoch, shuffle);
    int[] from = {0};
    return () -> {
      if (from[0] >= size) return null;
      int n = Math.min(batchSize, size - from[0]);
      Dataset b = rows.copy(order, from[0], n);
      from[0] += n;
      return b;
    };
  }
}

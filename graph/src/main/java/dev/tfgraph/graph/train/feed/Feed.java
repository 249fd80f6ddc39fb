package dev.tfgraph.graph.train.feed;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.DataSource;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.train.feed.Batches.Batch;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.data.MappedDataset;
import dev.tfgraph.graph.model.Model;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * A {@link DataSource} as the training loop takes it: each batch aligned with the model's inputs
 * ({@code check}) and made into tensors on a prefetch thread while the previous step runs.
 */
public final class Feed {
  /** How an epoch's batches are cut and made into tensors. */
  public record Cut(long seed, boolean shuffle, int batchSize, int shards, Class<?> type, List<Shape> inputShapes, Shape targetShape,
      boolean flip) {}

  /** The examples, as given. */
  public final DataSource source;
  /** Aligns a batch with the model's inputs and checks it (identity for a source checked whole). */
  public final UnaryOperator<Dataset> check;

  /**
   * {@code check} aligns a batch with the model's inputs and checks it (identity for a source checked whole).
   *
   * @param source the examples
   * @param check applied to each batch before it becomes tensors
   */
  public Feed(DataSource source, UnaryOperator<Dataset> check) {
    this.source = source;
    this.check = check;
  }

  /**
   * A source as the loop takes it, checked against the model first: arrays whole, images by their decoded shape, others per batch.
   *
   * @param s the examples
   * @param model the model they feed
   * @param loss the loss, which tells integer labels from float targets
   * @param what the data's role for messages, e.g. "training" or "validation"
   * @return the feed
   * @throws BadInputException when the source is empty, or its inputs, shapes or targets do not fit
   *     the model and loss
   */
  public static Feed of(DataSource s, Model model, Loss loss, String what) {
    if (s.size() == 0) throw new BadInputException(what + " data: no examples");
    if (s instanceof Dataset d) return new Feed(checkData(d, model, loss, what), UnaryOperator.identity());
    if (s instanceof ImageStream images) {
      checkImages(images, model, loss);
      return new Feed(images, UnaryOperator.identity());
    }
    if (s instanceof MappedDataset m) checkData(m.rows(new int[] {0}, 0, 1), model, loss, what);   // shapes, names and targets, before anything runs
    return new Feed(s, d -> checkData(d, model, loss, what));
  }

  /** Images decoded to the model's one input, with integer class labels. */
  private static void checkImages(ImageStream images, Model model, Loss loss) {
    if (model.inputs().size() != 1) {
      throw new BadInputException("train: images from " + images.describe() + " feed a model of one input; this model takes "
          + model.inputs().size());
    }
    long[] want = Shapes.dims(model.input().shape());
    if (!Arrays.equals(want, images.exampleShape())) {
      throw new BadInputException("train: images from " + images.describe() + " are decoded to " + Arrays.toString(images.exampleShape())
          + "; the model input " + model.input().name() + " takes " + Arrays.toString(want));
    }
    if (loss.classification() && !loss.sparse()) {
      throw new BadInputException("train: images come with integer class labels; loss " + loss.name()
          + " takes float targets (use sparse_categorical_crossentropy)");
    }
  }

  /**
   * The data with its inputs in the model's input order, each of the model input's shape: one
   * unnamed array feeds a model of one input; several are matched by name.
   *
   * @param d the data
   * @param model the model it feeds
   * @param loss the loss, which tells integer labels from float targets
   * @param what the data's role for messages
   * @return a new data set aligned with the model's inputs
   * @throws BadInputException when an input is missing, extra or of another shape, the targets do
   *     not suit the loss, or there is no example
   */
  public static Dataset checkData(Dataset d, Model model, Loss loss, String what) {
    List<Dataset.Input> aligned = DataAlignment.align(model, d.inputs(), what + " data");
    if (d.size() == 0) throw new BadInputException(what + " data: no examples");
    return new Dataset(aligned, d.y(), Targets.check(model, loss, d, what + " data"));
  }

  /**
   * One pass over every example in order, for evaluation: each batch of at most {@code batchSize} checked and given to
   * {@code use}; a batch whose examples were all skipped is passed over. Returns how many examples {@code use} saw;
   * none is bad input naming the source.
   *
   * @param batchSize the most examples per batch
   * @param use receives each checked batch
   * @return the number of examples used
   * @throws BadInputException when no example was left, or a batch does not fit the model
   */
  public long eachBatch(int batchSize, java.util.function.Consumer<Dataset> use) {
    long n = 0;
    try (DataSource.Reader r = source.batches(0, 0, false, batchSize)) {
      for (Dataset b; (b = r.next()) != null; ) {
        if (b.size() == 0) continue;
        Dataset c = check.apply(b);
        use.accept(c);
        n += c.size();
      }
    }
    if (n == 0) throw new BadInputException("no example left to evaluate in " + source.describe() + " after skipping bad ones");
    return n;
  }

  /** {@return the number of examples} */
  public int size() {
    return source.size();
  }

  /**
   * {training, validation}: the validation share held out by a seeded permutation of the examples.
   *
   * @param order a permutation of the example indices
   * @param validation how many of the first indices in {@code order} are held out
   * @return the training feed and the validation feed
   * @throws BadInputException when the source cannot be split by position (a streamed source)
   */
  public Feed[] holdOut(int[] order, int validation) {
    DataSource train = source.subset(java.util.Arrays.copyOfRange(order, validation, order.length));
    DataSource val = source.subset(java.util.Arrays.copyOfRange(order, 0, validation));
    if (train == null || val == null) {
      throw new BadInputException("train: a validation split needs examples by position, which " + source.describe()
          + " does not have (validation_split); give validation or test examples instead, or " + source.toMemory());
    }
    return new Feed[] {new Feed(train, check), new Feed(val, check)};
  }

  /**
   * The batches of one epoch, the first already being prepared on {@code prefetch}.
   *
   * @param epoch the epoch, from 0; with the seed it sets the order and the flips
   * @param c how batches are cut and made into tensors
   * @param prefetch the thread that prepares the next batch
   * @return the epoch's batches; the caller closes it
   */
  public Epoch epoch(int epoch, Cut c, ExecutorService prefetch) {
    DataSource.Reader batches = source.batches(epoch, c.seed(), c.shuffle(), c.batchSize());
    Batches.Flip flip = c.flip() ? new Batches.Flip(c.seed(), epoch) : null;
    int[] step = {0};
    return new Epoch(prefetch, () -> {
      Dataset b = batches.next();
      if (b == null) return null;
      int k = step[0]++;
      if (b.size() == 0) return new Batch(new Tensor[c.shards()][0], new Tensor[c.shards()], 0);   // every example skipped
      return Batches.owned(check.apply(b), c.shards(), c.type(), c.inputShapes(), c.targetShape(), flip, k);
    }, batches::close);
  }

  /** Batches in order; {@link #next} blocks while the next one is prepared, then starts the one after. */
  public static final class Epoch implements AutoCloseable {
    private final ExecutorService prefetch;
    private final Supplier<Batch> make;
    private final Runnable onClose;
    private Future<Batch> next;

    Epoch(ExecutorService prefetch, Supplier<Batch> make, Runnable onClose) {
      this.prefetch = prefetch;
      this.make = make;
      this.onClose = onClose;
      this.next = prefetch.submit(make::get);
    }

    /**
     * The next batch, waiting while it is prepared, and starts preparing the one after.
     *
     * @return the batch (the caller closes it), one with no examples when all were skipped, or null
     *     after the last
     * @throws RunFailedException when interrupted or preparing failed with a checked exception
     */
    public Batch next() {
      try {
        Batch b = next.get();
        next = prefetch.submit(make::get);
        return b;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunFailedException("interrupted");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new RunFailedException("preparing a batch failed: " + e.getCause(), e.getCause());
      }
    }

    @Override
    public void close() {
      next.cancel(true);
      try {
        Batch b = next.isCancelled() ? null : next.get();
        if (b != null) b.close();
      } catch (Exception ignored) {
        // a batch being prepared when training stopped: nothing to keep
      }
      onClose.run();
    }
  }
}

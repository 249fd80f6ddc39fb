package dev.tfgraph.graph.train;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.Batches.Batch;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.data.MappedDataset;
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
 * Examples as the training loop takes them: arrays in memory, or images streamed from a folder
 * or TFRecords. Either way an epoch is {@code ceil(size / batch)} batches in a seeded order, each
 * made into tensors on a prefetch thread while the previous step runs.
 */
abstract class Feed {
  /** How an epoch's batches are cut and made into tensors. */
  record Cut(long seed, boolean shuffle, int batchSize, int shards, Class<?> type, List<Shape> inputShapes, Shape targetShape,
      boolean flip) {}

  abstract int size();

  /** The examples in memory (for adaptation), or null when streamed. */
  abstract Dataset arrays();

  abstract String describe();

  /** How a user has these examples loaded into memory instead (an option by name), for messages. */
  abstract String toMemory();

  /** {training, validation}: the validation share held out by a seeded permutation of the examples. */
  abstract Feed[] holdOut(int[] order, int validation);

  abstract TrainResult.Metrics evaluate(ModelRuntime rt, Loss loss, List<Metric> metrics);

  /** The batches of one epoch, the first already being prepared on {@code prefetch}. */
  abstract Epoch epoch(int epoch, Cut cut, ExecutorService prefetch);

  static Feed of(Dataset d) {
    return new InMemory(d);
  }

  static Feed of(ImageStream s) {
    return new Streamed(s);
  }

  /** Memory-mapped arrays; {@code check} aligns each batch's inputs with the model's (and checks them). */
  static Feed of(MappedDataset d, UnaryOperator<Dataset> check) {
    return new Mapped(d, check);
  }

  /** Batches in order; {@link #next} blocks while the next one is prepared, then starts the one after. */
  static final class Epoch implements AutoCloseable {
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

    Batch next() {
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

  private static final class InMemory extends Feed {
    private final Dataset d;

    InMemory(Dataset d) {
      this.d = d;
    }

    int size() { return d.size(); }
    Dataset arrays() { return d; }
    String describe() { return "the training arrays"; }
    String toMemory() { return "they are in memory"; }

    Feed[] holdOut(int[] order, int validation) {
      return new Feed[] {of(d.subset(Arrays.copyOfRange(order, validation, order.length))), of(d.subset(Arrays.copyOfRange(order, 0, validation)))};
    }

    TrainResult.Metrics evaluate(ModelRuntime rt, Loss loss, List<Metric> metrics) {
      return Evaluator.evaluate(rt, d, 512, loss, metrics);
    }

    Epoch epoch(int epoch, Cut c, ExecutorService prefetch) {
      return ordered(d.size(), epoch, c, prefetch, (order, from, n) -> Batches.gather(d, order, from, n));
    }
  }

  private static final class Mapped extends Feed {
    private final MappedDataset d;
    private final UnaryOperator<Dataset> check;

    Mapped(MappedDataset d, UnaryOperator<Dataset> check) {
      this.d = d;
      this.check = check;
    }

    int size() { return d.size(); }
    Dataset arrays() { return null; }
    String describe() { return d.describe() + " (memory-mapped)"; }
    String toMemory() { return "load the arrays instead of mapping them: no memory_map, and a heap that holds them"; }

    Feed[] holdOut(int[] order, int validation) {
      return new Feed[] {of(d.subset(Arrays.copyOfRange(order, validation, order.length)), check), of(d.subset(Arrays.copyOfRange(order, 0, validation)), check)};
    }

    /** Chunk by chunk, the sums of the in-memory evaluation. */
    TrainResult.Metrics evaluate(ModelRuntime rt, Loss loss, List<Metric> metrics) {
      Evaluator.Sums s = null;
      for (Dataset chunk : d.chunks()) {
        Dataset c = check.apply(chunk);
        float[] out = rt.predict(Evaluator.xs(c), c.size(), 512);
        if (s == null) s = new Evaluator.Sums(out.length / c.size(), loss, metrics, rt.graph().endsIn(loss.logitsOf()));
        s.add(out, c.y(), c.targets() == null ? null : c.targets().x(), c.size());
      }
      return s.means();
    }

    Epoch epoch(int epoch, Cut c, ExecutorService prefetch) {
      return ordered(d.size(), epoch, c, prefetch, (order, from, n) -> check.apply(d.rows(order, from, n)));
    }
  }

  /** Rows {@code order[from .. from+n)} of a source with random access, copied into a Dataset of their own. */
  @FunctionalInterface
  interface Rows {
    Dataset copy(int[] order, int from, int n);
  }

  /** An epoch of {@code size} examples by random access: batch k is rows {@code order[k·B .. k·B+n)} of the seeded order. */
  static Epoch ordered(int size, int epoch, Cut c, ExecutorService prefetch, Rows rows) {
    int[] order = Batches.order(size, c.seed(), epoch, c.shuffle());
    Batches.Flip flip = c.flip() ? new Batches.Flip(c.seed(), epoch) : null;
    int steps = (int) ((size + (long) c.batchSize() - 1) / c.batchSize());
    int[] step = {0};
    return new Epoch(prefetch, () -> {
      if (step[0] >= steps) return null;
      int k = step[0]++, from = k * c.batchSize(), n = Math.min(c.batchSize(), size - from);
      return Batches.owned(rows.copy(order, from, n), c.shards(), c.type(), c.inputShapes(), c.targetShape(), flip, k);
    }, () -> {});
  }

  private static final class Streamed extends Feed {
    private final ImageStream s;

    Streamed(ImageStream s) {
      this.s = s;
    }

    int size() { return s.size(); }
    Dataset arrays() { return null; }
    String describe() { return s.describe(); }
    String toMemory() { return "decode every image into memory first with in_memory"; }

    Feed[] holdOut(int[] order, int validation) {
      ImageStream train = s.subset(Arrays.copyOfRange(order, validation, order.length)), val = s.subset(Arrays.copyOfRange(order, 0, validation));
      if (train == null) {
        throw new BadInputException("train: a validation split needs examples by position, which TFRecords streamed from "
            + s.describe() + " do not have (validation_split); give a test split instead (train*/test* files in one folder), or decode the records"
            + " into memory first (in_memory)");
      }
      return new Feed[] {of(train), of(val)};
    }

    TrainResult.Metrics evaluate(ModelRuntime rt, Loss loss, List<Metric> metrics) {
      return Evaluator.evaluate(rt, s, 512, loss, metrics);
    }

    /** The stream's batches of an epoch as tensors; a batch whose images were all skipped has n = 0 and no tensors. */
    Epoch epoch(int epoch, Cut c, ExecutorService prefetch) {
      ImageStream.Epoch images = s.epoch(epoch, c.seed(), c.shuffle(), c.batchSize());
      Batches.Flip flip = c.flip() ? new Batches.Flip(c.seed(), epoch) : null;
      int[] step = {0};
      return new Epoch(prefetch, () -> {
        ImageStream.Batch b = images.next();
        if (b == null) return null;
        int k = step[0]++;
        if (b.n() == 0) return new Batch(new Tensor[c.shards()][0], new Tensor[c.shards()], 0);
        return Batches.owned(new Dataset(b.x(), b.y(), s.exampleShape()), c.shards(), c.type(), c.inputShapes(), c.targetShape(), flip, k);
      }, images::close);
    }
  }
}

package dev.tfgraph.graph.train.feed;

import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.data.Dataset;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TInt32;

/**
 * Training batches: a seeded epoch order (the same seed and epoch give the same order on every
 * run and every machine), batch {@code step} of that order, and its split into per-replica shards.
 */
public final class Batches {
  private Batches() {}

  /** One batch of {@code n} examples: per replica (one in one process), a tensor per model input and the labels. */
  public record Batch(Tensor[][] x, Tensor[] y, int n) implements AutoCloseable {
    @Override
    public void close() {
      for (Tensor[] ts : x) for (Tensor t : ts) if (t != null) t.close();
      for (Tensor t : y) if (t != null) t.close();
    }
  }

  /** Mirror images left-right, each with probability 1/2 drawn from (seed, epoch, step). */
  public record Flip(long seed, int epoch) {
    /**
     * A stream of its own for each (seed, epoch, step), apart from the shuffling's.
     *
     * @param step the step within the epoch, from 0
     * @return a new generator; the same (seed, epoch, step) gives the same draws
     */
    public SplittableRandom random(int step) {
      return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + step * 0x94D049BB133111EBL
          + 0x632BE59BD9B4E019L);
    }
  }

  /**
   * Rows {@code order[step·B .. step·B+n)} of every input of {@code d} (aligned with the model's
   * inputs, whose shapes are {@code inputShapes}), the first flipped if {@code flip} is not null,
   * split into {@code parts} shards.
   *
   * @param d the data set, with integer labels
   * @param order the epoch's permutation of the example indices
   * @param step the batch's index within the epoch, from 0
   * @param batchSize B, examples per batch; the last batch may hold fewer
   * @param parts replicas to split the batch into, at least 1
   * @param type the model's float type class (TFloat32 or TFloat64)
   * @param inputShapes the model's input shapes, batch axis -1, in signature order
   * @param flip the left-right flip of the first input, or null for none
   * @return the batch; the caller closes it
   */
  public static Batch of(Dataset d, int[] order, int step, int batchSize, int parts, Class<?> type, List<Shape> inputShapes, Flip flip) {
    return of(d, order, step, batchSize, parts, type, inputShapes, null, flip);
  }

  /**
   * As above; {@code targetShape} (batch −1) is the float targets' when {@code d} has targets instead of labels.
   *
   * @param d the data set
   * @param order the epoch's permutation of the example indices
   * @param step the batch's index within the epoch, from 0
   * @param batchSize B, examples per batch; the last batch may hold fewer
   * @param parts replicas to split the batch into, at least 1
   * @param type the model's float type class (TFloat32 or TFloat64)
   * @param inputShapes the model's input shapes, batch axis -1, in signature order
   * @param targetShape the targets' shape, batch axis -1; null when {@code d} has labels
   * @param flip the left-right flip of the first input, or null for none
   * @return the batch; the caller closes it
   */
  public static Batch of(Dataset d, int[] order, int step, int batchSize, int parts, Class<?> type, List<Shape> inputShapes,
      Shape targetShape, Flip flip) {
    int from = step * batchSize;
    return owned(d.rows(order, from, Math.min(batchSize, order.length - from)), parts, type, inputShapes, targetShape, flip, step);
  }

  /**
   * A batch whose arrays are its own (gathered, streamed or read from a map): the first input
   * flipped in place, the tensors made straight from the arrays, split into {@code parts} shards.
   *
   * @param b the batch's examples; its first input's array is changed in place when flipped
   * @param parts replicas to split the batch into; replica r takes rows {@link #shardStart}
   * @param type the model's float type class (TFloat32 or TFloat64)
   * @param inputShapes the model's input shapes, batch axis -1, in signature order
   * @param targetShape the targets' shape, batch axis -1; null when {@code b} has labels
   * @param flip the left-right flip of the first input, or null for none
   * @param step the batch's index within the epoch, which seeds the flip
   * @return the batch; the caller closes it (tensors made before a failure are closed)
   */
  public static Batch owned(Dataset b, int parts, Class<?> type, List<Shape> inputShapes, Shape targetShape, Flip flip, int step) {
    int n = b.size();
    Tensor[][] xs = new Tensor[parts][inputShapes.size()];
    Tensor[] ys = new Tensor[parts];
    Batch batch = new Batch(xs, ys, n);
    try {
      for (int k = 0; k < inputShapes.size(); k++) {
        Dataset.Input in = b.inputs().get(k);
        int es = Math.toIntExact(in.exampleSize());
        if (flip != null && k == 0) flipLeftRight(in.x(), n, in.shape(), flip.random(step));
        for (int r = 0; r < parts; r++) {
          int lo = shardStart(n, parts, r), hi = shardStart(n, parts, r + 1);
          xs[r][k] = Tensors.rows(type, inputShapes.get(k), in.x(), lo, hi - lo, es);
        }
      }
      for (int r = 0; r < parts; r++) {
        int lo = shardStart(n, parts, r), hi = shardStart(n, parts, r + 1);
        ys[r] = b.y() != null ? Tensors.labels(b.y(), lo, hi - lo)
            : Tensors.rows(type, targetShape, b.targets().x(), lo, hi - lo, Math.toIntExact(b.targets().exampleSize()));
      }
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
    return batch;
  }

  /**
   * Mirrors each of the n images [h, w, c] in {@code x} along w with probability 1/2.
   *
   * @param x n images, row-major [n, h, w, c] float32, changed in place
   * @param n the number of images
   * @param shape one image's shape {h, w, c}
   * @param r the draws: one boolean per image, in order
   */
  public static void flipLeftRight(float[] x, int n, long[] shape, SplittableRandom r) {
    int h = (int) shape[0], w = (int) shape[1], c = (int) shape[2];
    for (int i = 0; i < n; i++) {
      if (!r.nextBoolean()) continue;
      for (int row = 0; row < h; row++) {
        int base = ((i * h) + row) * w * c;
        for (int a = 0, b = w - 1; a < b; a++, b--) {
          for (int k = 0; k < c; k++) {
            float t = x[base + a * c + k];
            x[base + a * c + k] = x[base + b * c + k];
            x[base + b * c + k] = t;
          }
        }
      }
    }
  }

  /**
   * Replica r of R takes rows [r·n/R, (r+1)·n/R) of a batch of n.
   *
   * @param n the batch's examples
   * @param replicas R, at least 1
   * @param r the replica, 0 to R (R gives n, the end of the last shard)
   * @return the first row of replica r
   */
  public static int shardStart(int n, int replicas, int r) {
    return (int) ((long) r * n / replicas);
  }

}

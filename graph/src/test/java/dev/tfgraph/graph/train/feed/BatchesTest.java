package dev.tfgraph.graph.train.feed;

import dev.tfgraph.graph.runtime.Tensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.data.Dataset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class BatchesTest {
  @Test
  void shardsPartitionEveryBatchInOrderWithSizesWithinOne() {
    for (int n = 1; n <= 40; n++) {
      for (int r = 1; r <= 5; r++) {
        assertEquals(0, Batches.shardStart(n, r, 0));
        assertEquals(n, Batches.shardStart(n, r, r));
        int min = Integer.MAX_VALUE, max = 0;
        for (int i = 0; i < r; i++) {
          int size = Batches.shardStart(n, r, i + 1) - Batches.shardStart(n, r, i);
          min = Math.min(min, size);
          max = Math.max(max, size);
        }
        assertTrue(max - min <= 1, "n " + n + " replicas " + r);
      }
    }
  }

  @Test
  void orderIsASeededPermutationThatChangesPerEpoch() {
    int[] a = dev.tfgraph.graph.data.DataSource.order(100, 5, 0, true);
    assertArrayEquals(a, dev.tfgraph.graph.data.DataSource.order(100, 5, 0, true));
    assertFalse(Arrays.equals(a, dev.tfgraph.graph.data.DataSource.order(100, 5, 1, true)));
    assertFalse(Arrays.equals(a, dev.tfgraph.graph.data.DataSource.order(100, 6, 0, true)));
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    assertArrayEquals(dev.tfgraph.graph.data.DataSource.order(100, 5, 0, false), sorted);
  }

  @Test
  void batchTakesItsRowsOfTheOrderAndSplitsThemIntoShards() {
    float[] x = new float[10 * 2];
    int[] y = new int[10];
    for (int i = 0; i < 10; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 3;
    }
    Dataset d = new Dataset(x, y, new long[] {2});
    int[] order = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    try (Batches.Batch b = Batches.of(d, order, 1, 4, 3, TFloat32.class, List.of(Shape.of(-1, 2)), null)) { // rows 5, 4, 3, 2
      assertEquals(4, b.n());
      assertEquals(3, b.x().length);
      assertArrayEquals(new float[] {5, -5}, Tensors.toFloats(b.x()[0][0]));
      assertArrayEquals(new float[] {4, -4}, Tensors.toFloats(b.x()[1][0]));
      assertArrayEquals(new float[] {3, -3, 2, -2}, Tensors.toFloats(b.x()[2][0]));
      assertEquals(0, ((org.tensorflow.types.TInt32) b.y()[2]).getInt(0)); // labels of rows 3 and 2
      assertEquals(2, ((org.tensorflow.types.TInt32) b.y()[2]).getInt(1));
    }
    try (Batches.Batch last = Batches.of(d, order, 2, 4, 1, TFloat32.class, List.of(Shape.of(-1, 2)), null)) { // the short last batch
      assertEquals(2, last.n());
      assertArrayEquals(new float[] {1, -1, 0, 0}, Tensors.toFloats(last.x()[0][0]));
    }
  }

  /** --augment flip: about half of the images are exact mirrors, the same ones for the same (seed, epoch, step). */
  @Test
  void flipMirrorsAboutHalfTheImagesReproducibly() {
    int n = 400, h = 3, w = 4, c = 2;
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) x[i] = i;
    Dataset d = new Dataset(x, new int[n], new long[] {h, w, c});
    int[] order = dev.tfgraph.graph.data.DataSource.order(n, 0, 0, false);
    Shape s = Shape.of(-1, h, w, c);
    float[] a, again, otherStep;
    try (Batches.Batch b = Batches.of(d, order, 0, n, 1, TFloat32.class, List.of(s), new Batches.Flip(7, 2));
        Batches.Batch b2 = Batches.of(d, order, 0, n, 1, TFloat32.class, List.of(s), new Batches.Flip(7, 2));
        Batches.Batch b3 = Batches.of(d, order, 1, n / 2, 1, TFloat32.class, List.of(s), new Batches.Flip(7, 2))) {
      a = Tensors.toFloats(b.x()[0][0]);
      again = Tensors.toFloats(b2.x()[0][0]);
      otherStep = Tensors.toFloats(b3.x()[0][0]);
    }
    assertArrayEquals(a, again);
    int flipped = 0;
    int size = h * w * c;
    for (int i = 0; i < n; i++) {
      boolean same = true, mirror = true;
      for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
          for (int k = 0; k < c; k++) {
            float got = a[i * size + (row * w + col) * c + k];
            same &= got == x[i * size + (row * w + col) * c + k];
            mirror &= got == x[i * size + (row * w + (w - 1 - col)) * c + k];
          }
        }
      }
      assertTrue(same ^ mirror, "image " + i + " is neither itself nor its mirror");
      if (mirror) flipped++;
    }
    assertTrue(flipped > 150 && flipped < 250, flipped + " of " + n + " flipped");
    // the same rows 200..399 taken at step 1 (batch n/2) instead of step 0: other flips
    assertFalse(Arrays.equals(Arrays.copyOfRange(a, n / 2 * size, n * size), otherStep), "another step flips other images");
  }
}

package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  static final Path SHIPPED = Path.of("..", "testdata", "fashion");

  @Test
  void shippedSubsetIsStratifiedAndScaled() {
    Dataset train = Dataset.fashionMnist(SHIPPED, true), test = Dataset.fashionMnist(SHIPPED, false);
    assertEquals(6000, train.size());
    assertEquals(1000, test.size());
    assertArrayEquals(new long[] {28, 28, 1}, train.exampleShape());
    int[] count = new int[10];
    for (int y : test.y()) count[y]++;
    for (int c : count) assertEquals(100, c);
    float max = 0;
    for (float v : train.x()) max = Math.max(max, v);
    assertEquals(1f, max);
  }

  @Test
  void npyPairsAreChecked(@TempDir Path dir) throws Exception {
    Npy.write(dir.resolve("x.npy"), NpyArray.ofDoubles(new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}));
    Npy.write(dir.resolve("y.npy"), NpyArray.ofLongs(new long[] {2}, new long[] {1, 0}));
    Npy.write(dir.resolve("y3.npy"), NpyArray.ofLongs(new long[] {3}, new long[] {1, 0, 1}));
    Npy.write(dir.resolve("yf.npy"), NpyArray.ofFloats(new long[] {2}, new float[] {1, 0}));
    Dataset d = Dataset.fromNpy(dir.resolve("x.npy"), dir.resolve("y.npy"));
    assertArrayEquals(new long[] {3}, d.exampleShape());
    assertEquals(2, d.numClasses());
    assertEquals(4f, d.subset(new int[] {1}).x()[0]);
    BadInputException e = assertThrows(BadInputException.class, () -> Dataset.fromNpy(dir.resolve("x.npy"), dir.resolve("y3.npy")));
    assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    assertThrows(BadInputException.class, () -> Dataset.fromNpy(dir.resolve("x.npy"), dir.resolve("yf.npy")));
    assertThrows(BadInputException.class, () -> Dataset.fashionMnist(dir, true));
    assertThrows(BadInputException.class, () -> new Dataset(new float[3], new int[] {-1}, new long[] {3}));
  }
}

package dev.tfgraph.graph.io;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.data.MappedDataset;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows read through a memory map are the rows Npy.read loads; what cannot be mapped is named. */
class MappedNpyTest {
  @Test
  void mappedRowsAreTheLoadedRowsForFloat32AndFloat64(@TempDir Path d) throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    double[] v = new double[37 * 3 * 4];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian() * 1e3;
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    Npy.write(d.resolve("f8.npy"), NpyArray.ofDoubles(new long[] {37, 3, 4}, v));
    Npy.write(d.resolve("f4.npy"), NpyArray.ofFloats(new long[] {37, 3, 4}, f));
    int[] order = {36, 0, 5, 5, 17};
    for (String name : new String[] {"f4.npy", "f8.npy"}) {
      MappedNpy m = MappedNpy.open(d.resolve(name));
      assertEquals(37, m.rows());
      assertArrayEquals(new long[] {3, 4}, m.exampleShape());
      float[] loaded = Npy.read(d.resolve(name)).toFloats(), got = new float[order.length * 12], want = new float[order.length * 12];
      m.copyRows(order, 0, order.length, got);
      for (int i = 0; i < order.length; i++) System.arraycopy(loaded, order[i] * 12, want, i * 12, 12);
      assertArrayEquals(want, got, name);
    }
  }

  @Test
  void aMappedDatasetMakesTheInMemoryBatches(@TempDir Path d) throws Exception {
    float[] x = new float[10 * 2];
    for (int i = 0; i < x.length; i++) x[i] = i;
    Npy.write(d.resolve("x.npy"), NpyArray.ofFloats(new long[] {10, 2}, x));
    NpyArray y = NpyArray.ofLongs(new long[] {10}, new long[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
    MappedDataset m = MappedDataset.of(java.util.Collections.singletonMap(null, MappedNpy.open(d.resolve("x.npy"))), y, "y", false);
    Dataset mem = Dataset.fromArrays(java.util.Collections.singletonMap(null, Npy.read(d.resolve("x.npy"))), y, "y");
    int[] order = dev.tfgraph.graph.data.DataSource.order(10, 3, 1, true);
    Dataset b = m.rows(order, 4, 3), want = mem.subset(Arrays.copyOfRange(order, 4, 7));
    assertArrayEquals(want.x(), b.x());
    assertArrayEquals(want.y(), b.y());
    MappedDataset held = m.subset(new int[] {9, 2});
    assertEquals(2, held.size());
    assertArrayEquals(new float[] {18, 19, 4, 5}, held.rows(new int[] {0, 1}, 0, 2).x());
    BadInputException e = assertThrows(BadInputException.class, () -> MappedDataset.of(java.util.Collections.singletonMap(null,
        MappedNpy.open(d.resolve("x.npy"))), NpyArray.ofLongs(new long[] {9}, new long[9]), "y.npy", false));
    assertTrue(e.getMessage().contains("y.npy: expected shape [10]"), e.getMessage());
  }

  @Test
  void whatCannotBeMappedIsNamed(@TempDir Path d) throws Exception {
    Npy.write(d.resolve("i.npy"), NpyArray.ofInts(new long[] {4, 2}, new int[8]));
    Npy.write(d.resolve("flat.npy"), NpyArray.ofFloats(new long[] {8}, new float[8]));
    Npy.write(d.resolve("ok.npy"), NpyArray.ofFloats(new long[] {4, 2}, new float[8]));
    byte[] ok = Files.readAllBytes(d.resolve("ok.npy"));
    Files.write(d.resolve("short.npy"), Arrays.copyOf(ok, ok.length - 3));
    String fortran = new String(ok, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'fortran_order': False", "'fortran_order': True ");
    Files.write(d.resolve("fortran.npy"), fortran.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    String[][] cases = {{"i.npy", "expected float32 or float64"}, {"flat.npy", "expected shape [n, ...]"},
        {"short.npy", "truncated"}, {"fortran.npy", "Fortran-order"}, {"none.npy", "no such file"}};
    for (String[] c : cases) {
      BadInputException e = assertThrows(BadInputException.class, () -> MappedNpy.open(d.resolve(c[0])), c[0]);
      assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}

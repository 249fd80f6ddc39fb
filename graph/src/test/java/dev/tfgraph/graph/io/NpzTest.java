package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfgraph.graph.BadInputException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
  static void zip(Path f, List<String> names, byte[] content, boolean deflate) throws Exception {
    try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
      z.setMethod(deflate ? ZipOutputStream.DEFLATED : ZipOutputStream.DEFLATED);
      for (String n : names) {
        z.putNextEntry(new ZipEntry(n));
        z.write(content);
        z.closeEntry();
      }
    }
  }

  @Test
  void roundTripsInOrder(@TempDir Path dir) throws Exception {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("fc.kernel", NpyArray.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
    m.put("fc.bias", NpyArray.ofDoubles(new long[] {2}, new double[] {0.5, -0.5}));
    Path f = dir.resolve("w.npz");
    Npz.write(f, m);
    Map<String, NpyArray> back = Npz.read(f);
    assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
    assertArrayEquals(m.get("fc.kernel").toFloats(), back.get("fc.kernel").toFloats());
    assertArrayEquals(m.get("fc.bias").toDoubles(), back.get("fc.bias").toDoubles());
  }

  @Test
  void readsDeflatedEntriesAsSavezCompressedWrites(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.npz");
    zip(f, List.of("a.npy"), NpyTest.NUMPY_F32, true);
    assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f}, Npz.read(f).get("a").toFloats());
  }

  @Test
  void rejectsDuplicatesGarbageAndBadEntriesNamingThem(@TempDir Path dir) throws Exception {
    Path dup = dir.resolve("dup.npz");
    try (OutputStream os = Files.newOutputStream(dup); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry("a.npy"));
      z.write(NpyTest.NUMPY_F32);
      z.closeEntry();
      z.putNextEntry(new ZipEntry("a"));
      z.write(NpyTest.NUMPY_F32);
      z.closeEntry();
    }
    BadInputException e = assertThrows(BadInputException.class, () -> Npz.read(dup));
    assertTrue(e.getMessage().contains("duplicate entry \"a\""), e.getMessage());
    Path garbage = dir.resolve("g.npz");
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6});
    assertThrows(BadInputException.class, () -> Npz.read(garbage));
    Path bad = dir.resolve("b.npz");
    zip(bad, List.of("w.npy"), new byte[] {1, 2, 3}, true);
    e = assertThrows(BadInputException.class, () -> Npz.read(bad));
    assertTrue(e.getMessage().contains("entry \"w\""), e.getMessage());
  }

  /** A zip bomb: 64 MiB of zeros deflates to a few KiB; the limit is enforced while inflating. */
  @Test
  void boundsInflatedSize() throws Exception {
    byte[] zeros = new byte[1 << 20];
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(out)) {
      for (int i = 0; i < 64; i++) d.write(zeros);
    }
    assertTrue(out.size() < 1 << 20);
    var in = new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(out.toByteArray()));
    BadInputException e = assertThrows(BadInputException.class, () -> Npz.bounded(in, 1 << 20, "bomb").readAllBytes());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  /**
   * An .npz whose one deflated entry holds content and whose central directory declares it
   * inflates to declaredSize bytes (unsigned 32 bits), as a zip bomb's honest header does: a
   * 3.5 MB bomb of zeros declares about 3.5 GB.
   */
  static Path bomb(Path f, String name, byte[] content, long declaredSize) throws Exception {
    zip(f, List.of(name), content, true);
    byte[] b = Files.readAllBytes(f);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= b.length; i++) {
      if (buf.getInt(i) == 0x02014b50) buf.putInt(i + 24, (int) declaredSize);   // central header: uncompressed size
    }
    return Files.write(f, b);
  }

  /** Each entry is bounded by a stated limit before anything inflates, and named. */
  @Test
  void aZipBombEntryIsRefusedByTheStatedLimitNamingIt(@TempDir Path dir) throws Exception {
    byte[] header = NpyTest.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3500000000,), }", new byte[0]);
    Path f = bomb(dir.resolve("bomb.npz"), "bomb.npy", header, 3_500_000_000L);
    BadInputException e = assertThrows(BadInputException.class, () -> Npz.read(f));
    assertTrue(e.getMessage().contains("entry \"bomb\": inflates to 3500000000 bytes, more than the limit of " + Npz.MAX_ENTRY), e.getMessage());
    ZipEntry last = new ZipEntry("c.npy");
    last.setSize(1L << 30);
    e = assertThrows(BadInputException.class, () -> Npz.declaredSize(last, Npz.MAX_TOTAL - (1L << 29), "w.npz entry \"c\""));
    assertTrue(e.getMessage().contains("entry \"c\"") && e.getMessage().contains("limit of " + Npz.MAX_TOTAL + " bytes for all entries"), e.getMessage());
  }

  /**
   * Within the stated limit, an entry is still refused before allocation when its array would not
   * fit the free heap: 2 GB of uint8 are 16 GB as the doubles NpyArray keeps.
   */
  @Test
  void anEntryLargerThanTheHeapCanHoldIsRefusedNamingIt(@TempDir Path dir) throws Exception {
    assumeTrue(Runtime.getRuntime().maxMemory() < 32L << 30, "needs a heap under 32 GiB");
    byte[] header = NpyTest.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1999999000,), }", new byte[0]);
    Path f = bomb(dir.resolve("bomb.npz"), "w.npy", header, 2_000_000_000L);
    BadInputException e = assertThrows(BadInputException.class, () -> Npz.read(f));
    assertTrue(e.getMessage().contains("entry \"w\" (2000000000 bytes): shape [1999999000] of uint8 needs 15999992000 bytes of heap"),
        e.getMessage());
  }
}

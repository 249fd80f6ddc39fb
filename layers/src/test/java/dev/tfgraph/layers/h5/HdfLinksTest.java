package dev.tfgraph.layers.h5;

import dev.tfgraph.layers.models.Models;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras HDF5 weight files as untrusted input (issue 25, items 4 and 10), on the files of
 * testdata/keras/gen_hostile_h5.py: external links, external storage, virtual datasets and link
 * cycles are refused naming the object, before any weight is read (an external link was followed
 * into a file the user never named, a soft link to itself overflowed the stack); a dataset jHDF
 * cannot read, a truncated file and a device or pipe are each named for what they are.
 */
class HdfLinksTest {
  static final Path DIR = Path.of("..", "testdata", "keras");
  static final List<String> LAYERS = List.of("block1_conv1", "block1_conv2");

  static Model small() {
    return Models.ibVgg16(32, 16, "eigh", 10, true);
  }

  static Map<String, NpyArray> read(Path file) {
    return KerasH5.read(file, small(), LAYERS);
  }

  static String refused(String file, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> read(DIR.resolve(file)), file);
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
    assertTrue(e.getMessage().startsWith(DIR.resolve(file).toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  /** The control: the plain file reads, so do one whose kernel is an in-file soft link to a real dataset and one gzip-compressed throughout. */
  @Test
  void plainFilesAndInFileSoftLinksRead() {
    Map<String, NpyArray> want = Npz.read(DIR.resolve("hdf5_expected.npz"));
    for (String f : new String[] {"hdf5_base.h5", "hdf5_soft_ok.h5", "hdf5_gzip.h5"}) {
      Map<String, NpyArray> got = read(DIR.resolve(f));
      assertEquals(want.keySet(), got.keySet(), f);
      for (String k : want.keySet()) assertArrayEquals(want.get(k).toFloats(), got.get(k).toFloats(), f + " " + k);
    }
  }

  /** The target file is right there (hdf5_base.h5): jHDF opened and read it, the weights loaded from a file nobody named. */
  @Test
  void externalLinksAreRefusedNamingTheLinkAndItsTarget() {
    refused("hdf5_external_link.h5", ": /block1_conv1 is an HDF5 external link to hdf5_base.h5:/block1_conv1", "refuses external links");
    refused("hdf5_external_link_dataset.h5", ": /block1_conv1/block1_conv1/kernel:0 is an HDF5 external link to hdf5_base.h5:");
  }

  @Test
  void externalStorageAndVirtualDatasetsAreRefusedNamingTheDataset() {
    refused("hdf5_external_storage.h5", "dataset /block1_conv1/block1_conv1/kernel:0 has external storage");
    refused("hdf5_virtual.h5", "dataset /block1_conv1/block1_conv1/kernel:0 is a virtual dataset");
  }

  /** A StackOverflowError (exit 3) before; now bad input naming the cycle. */
  @Test
  void linkCyclesAreRefusedWithoutOverflowingTheStack() {
    refused("hdf5_soft_self.h5", "soft link /block1_conv1 leads back to itself (/block1_conv1 -> /block1_conv1)", "link cycles");
    refused("hdf5_soft_cycle.h5", "leads back to itself", "/a -> /b/c -> /block1_conv1/block1_conv1/kernel:0 -> /a");
    refused("hdf5_hard_cycle.h5", "group /block1_conv1/block1_conv1/loop is a hard link to a group that holds it");
  }

  /** Groups nested deeper than any Keras file: refused at a fixed depth, not by the stack. */
  @Test
  void deepNestingIsBounded(@TempDir Path d) {
    Path deep = d.resolve("deep.h5");
    try (WritableHdfFile w = HdfFile.write(deep)) {
      WritableGroup g = w.putGroup("g");
      for (int i = 0; i < Hdf5Guard.MAX_DEPTH + 5; i++) g = g.putGroup("g");
    }
    BadInputException e = assertThrows(BadInputException.class, () -> read(deep));
    assertTrue(e.getMessage().contains("nested deeper than " + Hdf5Guard.MAX_DEPTH), e.getMessage());
  }

  /** A bias jHDF cannot load (2^40 elements), or of the wrong type, is named: not "missing dataset ...kernel:0". */
  @Test
  void aBadBiasIsNamedNotReportedAsAMissingKernel() {
    String m = refused("hdf5_bias_huge.h5", "/block1_conv1/block1_conv1/bias:0 cannot be read");
    assertFalse(m.contains("kernel") || m.contains("missing"), m);
    m = refused("hdf5_bias_int.h5", "dataset /block1_conv1/block1_conv1/bias:0 is not a float dataset");
    assertFalse(m.contains("missing"), m);
  }

  /** An 80 KB file whose 4-value bias inflates to 64 MiB (jHDF inflated it whole): stopped at 16 MiB, named. An unwritten bias is named too. */
  @Test
  void compressedChunksAreBoundedAndEmptyDatasetsNamed() {
    refused("hdf5_deflate_bomb.h5", "dataset /block1_conv1/block1_conv1/bias:0 cannot be read", "decompression bomb");
    refused("hdf5_bias_unwritten.h5", "dataset /block1_conv1/block1_conv1/bias:0 holds no data");
  }

  /** A file cut short anywhere says so, naming it: before, "missing weights of layer" or "missing dataset". */
  @Test
  void truncatedFilesAreNamedTruncated(@TempDir Path d) throws Exception {
    byte[] whole = Files.readAllBytes(DIR.resolve("hdf5_base.h5"));
    for (int n : new int[] {8, 100, 1000, 3000, whole.length / 2, whole.length - 100}) {
      Path cut = Files.write(d.resolve("cut" + n + ".h5"), Arrays.copyOf(whole, n));
      BadInputException e = assertThrows(BadInputException.class, () -> read(cut), "cut at " + n);
      assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated"), n + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("missing"), e.getMessage());
    }
  }

  /** A device, a pipe or a folder is not "no such file"; none is opened (a FIFO would wait for a writer). */
  @Test
  void devicesPipesAndFoldersAreNamedForWhatTheyAre(@TempDir Path d) throws Exception {
    BadInputException e = assertThrows(BadInputException.class, () -> read(d));
    assertTrue(e.getMessage().contains("is a folder, expected a Keras .h5 weights file"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> read(d.resolve("none.h5")));
    assertTrue(e.getMessage().contains("none.h5: no such file"), e.getMessage());
    Path zero = Path.of("/dev/zero");
    if (Files.exists(zero)) {
      e = assertThrows(BadInputException.class, () -> read(zero));
      assertEquals("/dev/zero: not a regular file (a device or a pipe); expected a Keras .h5 weights file", e.getMessage());
    }
    Path fifo = d.resolve("fifo.h5");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    e = assertThrows(BadInputException.class, () -> read(fifo));
    assertTrue(e.getMessage().contains("fifo.h5: not a regular file (a device or a pipe)"), e.getMessage());
  }
}

package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.layers.keras.file.KerasFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A .keras or .h5 is untrusted input: hostile archives and HDF5 files are refused in one line, nothing left behind. */
class KerasFileTest {
  static final Path KERAS = Path.of("..", "testdata", "keras");
  @TempDir Path dir;

  /** The entries of a real .keras, to build hostile variants from. */
  private static Map<String, byte[]> real() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(KERAS.resolve("models/seq_mlp.keras").toFile())) {
      for (var en = z.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        out.put(e.getName(), z.getInputStream(e).readAllBytes());
      }
    }
    return out;
  }

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path p = dir.resolve(name);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
      for (var e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return p;
  }

  private String refused(Path file, String... fragments) {
    long before = tempFiles();
    BadInputException e = assertThrows(BadInputException.class, () -> KerasModel.load(file));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(m.startsWith(file.toString()), "names the file: " + m);
    for (String f : fragments) assertTrue(m.contains(f), m + " should contain " + f);
    assertEquals(before, tempFiles(), "no temporary file left behind");
    return m;
  }

  private static long tempFiles() {
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("tfgraph-keras-")).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theRealFileLoads() throws IOException {
    Path copy = zip("copy.keras", real());
    assertEquals(8, KerasModel.load(copy).model().layers().size());
  }

  @Test
  void pathTraversalAndAbsoluteNamesAreRefused() throws IOException {
    for (String bad : new String[] {"../evil.txt", "assets/../../evil.txt", "/etc/evil", "C:\\evil"}) {
      Map<String, byte[]> e = real();
      e.put(bad, new byte[] {1});
      refused(zip("traversal.keras", e), "is an absolute path or climbs out with ..");
    }
  }

  @Test
  void oversizedEntriesAndZipBombsAreRefused() throws IOException {
    Map<String, byte[]> e = real();
    byte[] big = new byte[(int) KerasFile.MAX_CONFIG_BYTES + 10];
    java.util.Arrays.fill(big, (byte) ' ');
    e.put("config.json", big);
    refused(zip("big-config.keras", e), "config.json is larger than the limit of " + KerasFile.MAX_CONFIG_BYTES + " bytes");

    // 160 MiB of zeros deflate to about 160 KiB: far past 100 times the archive's size
    Path bomb = dir.resolve("bomb.keras");
    Map<String, byte[]> small = real();
    small.remove("model.weights.h5");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
      for (var x : small.entrySet()) {
        z.putNextEntry(new ZipEntry(x.getKey()));
        z.write(x.getValue());
      }
      z.putNextEntry(new ZipEntry("model.weights.h5"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 160; i++) z.write(zeros);
      z.closeEntry();
    }
    assertTrue(Files.size(bomb) < (1 << 20), "the bomb is small: " + Files.size(bomb));
    refused(bomb, "model.weights.h5 inflates to more than 100 times the archive's size (a zip bomb?)");
  }

  @Test
  void tooManyEntriesAndMissingPartsAreRefused() throws IOException {
    Map<String, byte[]> e = real();
    for (int i = 0; i < KerasFile.MAX_ENTRIES; i++) e.put("assets/x" + i, new byte[0]);
    refused(zip("many.keras", e), "more than " + KerasFile.MAX_ENTRIES + " zip entries");
    Map<String, byte[]> noConfig = real();
    noConfig.remove("config.json");
    refused(zip("noconfig.keras", noConfig), "without config.json");
    Map<String, byte[]> noWeights = real();
    noWeights.remove("model.weights.h5");
    refused(zip("noweights.keras", noWeights), "no model.weights.h5");
  }

  @Test
  void filesThatAreNotKerasModelsAreRefused() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.keras"), "not a model", StandardCharsets.UTF_8);
    refused(text, "neither a zip (.keras) nor an HDF5 file (.h5)");
    Path empty = Files.createFile(dir.resolve("empty.h5"));
    refused(empty, "neither a zip");
    Path truncated = dir.resolve("truncated.keras");
    byte[] whole = Files.readAllBytes(KERAS.resolve("models/seq_mlp.keras"));
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    refused(truncated, "not a readable zip archive");
    refused(KERAS.resolve("vgg16_div16_keras3.weights.h5"), "a weights-only file");
    refused(dir, "is a folder");
  }

  @Test
  void hdf5ExternalLinksAreRefusedInsideAndOutsideTheZip() throws IOException {
    refused(KERAS.resolve("hdf5_external_link.h5"), "is an HDF5 external link");
    Map<String, byte[]> e = real();
    e.put("model.weights.h5", Files.readAllBytes(KERAS.resolve("hdf5_external_link.h5")));
    String m = refused(zip("linked.keras", e), "is an HDF5 external link", "linked.keras!model.weights.h5");
    assertFalse(m.contains("tfgraph-keras-"), "names the archive, not the temporary file: " + m);
  }

  @Test
  void aMisnamedWeightGroupIsNamed() throws IOException {
    // weights of another model: the config's layers are not those the weights were saved for
    Map<String, byte[]> e = real();
    Map<String, byte[]> other;
    try (ZipFile z = new ZipFile(KERAS.resolve("models/seq_cnn.keras").toFile())) {
      other = Map.of("model.weights.h5", z.getInputStream(z.getEntry("model.weights.h5")).readAllBytes());
    }
    e.putAll(other);
    refused(zip("mixed.keras", e), "mixed.keras!model.weights.h5");
  }

  @Test
  void entriesAreNeverWrittenWhereTheirNamesSay() throws IOException {
    Map<String, byte[]> e = real();
    e.put("../escaped.txt", new byte[] {1});
    Path z = zip("sub.keras", e);
    assertThrows(BadInputException.class, () -> KerasModel.load(z));
    assertFalse(Files.exists(dir.getParent().resolve("escaped.txt")));
    try (OutputStream ignored = Files.newOutputStream(dir.resolve("marker"))) {
      // the test folder holds only what the test wrote
    }
    try (var s = Files.list(dir)) {
      assertTrue(s.allMatch(p -> p.getFileName().toString().endsWith(".keras") || p.getFileName().toString().equals("marker")));
    }
  }
}

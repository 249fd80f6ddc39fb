package dev.tfgraph.export.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.ExporterTest;
import dev.tfgraph.graph.model.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record of verified models: an export and a probe are recorded, an unchanged folder is not probed
 * again, any change is, and a record that is not exactly what tfgraph writes, or that others could have
 * written, is ignored.
 */
class VerifiedModelsTest {
  private String previous;
  private Path cache;

  @BeforeEach
  void ownCache(@TempDir Path c) {
    previous = System.getProperty(VerifiedModels.DIR_PROPERTY);
    cache = c.resolve("cache");
    System.setProperty(VerifiedModels.DIR_PROPERTY, cache.toString());
  }

  @AfterEach
  void restore() {
    if (previous == null) System.clearProperty(VerifiedModels.DIR_PROPERTY);
    else System.setProperty(VerifiedModels.DIR_PROPERTY, previous);
  }

  private static Path export(Path base) throws Exception {
    Model m = ExporterTest.demo();
    return Exporter.export(m, ExporterTest.weights(m), base, null, Map.of()).dir();
  }

  @Test
  void anExportIsRecordedAndAnUnchangedFolderIsNotProbedAgain(@TempDir Path d) throws Exception {
    Path dir = export(d.resolve("m"));
    assertTrue(VerifiedModels.isVerified(dir), "the export's own verification is recorded");
    assertTrue(Files.isDirectory(cache.resolve(VerifiedModels.RECORDS)));
    long probes = ChildJvm.probes();
    try (Predictor p = Predictor.loadChecked(d.resolve("m"))) {
      assertEquals(dir, p.dir());
    }
    assertEquals(probes, ChildJvm.probes(), "no child JVM for a recorded, unchanged folder");

    // a file added: probed, then recorded again
    Path note = dir.resolve("assets.extra/note.txt");
    Files.writeString(note, "abc");
    assertFalse(VerifiedModels.isVerified(dir));
    Predictor.loadChecked(dir).close();
    assertEquals(probes + 1, ChildJvm.probes());
    assertTrue(VerifiedModels.isVerified(dir));
    Predictor.loadChecked(dir).close();
    assertEquals(probes + 1, ChildJvm.probes());

    // one byte changed, the size kept; then the file removed: each time no longer verified
    Files.writeString(note, "abd");
    assertFalse(VerifiedModels.isVerified(dir), "same size, other content");
    Files.delete(note);
    assertFalse(VerifiedModels.isVerified(dir), "a file removed");
    // the export's files again, but the record now describes the folder with note.txt: probed
    Predictor.loadChecked(dir).close();
    assertEquals(probes + 2, ChildJvm.probes());
    assertTrue(VerifiedModels.isVerified(dir));

    // a change in a weight file, and the clearing of every record
    byte[] data = Files.readAllBytes(dir.resolve("variables/variables.data-00000-of-00001"));
    data[data.length - 1] ^= 1;
    Files.write(dir.resolve("variables/variables.data-00000-of-00001"), data);
    assertFalse(VerifiedModels.isVerified(dir));
    data[data.length - 1] ^= 1;
    Files.write(dir.resolve("variables/variables.data-00000-of-00001"), data);
    assertTrue(VerifiedModels.isVerified(dir), "the recorded content again");
    assertEquals(1, VerifiedModels.clear());
    assertFalse(VerifiedModels.isVerified(dir));
  }

  @Test
  void corruptForeignAndHostileRecordsAreIgnored(@TempDir Path d) throws Exception {
    Path dir = export(d.resolve("m"));
    FolderDigest digest = FolderDigest.of(dir);
    assertNotNull(digest);
    Path record = VerifiedModels.recordFile(dir.toRealPath());
    byte[] good = Files.readAllBytes(record);
    assertTrue(VerifiedModels.isVerified(dir));

    Files.write(record, "{\"format\": 1, \"path\": \"garbage\"".getBytes(StandardCharsets.UTF_8));
    assertFalse(VerifiedModels.isVerified(dir), "corrupt");
    Files.write(record, VerificationRecord.bytes(digest.at(d.resolve("elsewhere"))));
    assertFalse(VerifiedModels.isVerified(dir), "another folder's record");
    byte[] longer = new byte[good.length + 1];
    System.arraycopy(good, 0, longer, 0, good.length);
    longer[good.length] = ' ';
    Files.write(record, longer);
    assertFalse(VerifiedModels.isVerified(dir), "the right record with a byte more");
    TreeMap<String, FolderDigest.FileDigest> forged = new TreeMap<>(digest.files());
    forged.put("saved_model.pb", new FolderDigest.FileDigest(1, "00"));
    Files.write(record, VerificationRecord.bytes(new FolderDigest(digest.realDir(), forged)));
    assertFalse(VerifiedModels.isVerified(dir), "another digest of saved_model.pb");

    Files.write(record, good);
    assertTrue(VerifiedModels.isVerified(dir), "the right record is trusted: the checks above could pass");
    if (Files.getFileStore(record).supportsFileAttributeView("posix")) {
      Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-rw-rw-"));
      assertFalse(VerifiedModels.isVerified(dir), "a record others may write");
      Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(record.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
      assertFalse(VerifiedModels.isVerified(dir), "a records folder others may write");
      Files.setPosixFilePermissions(record.getParent(), PosixFilePermissions.fromString("rwx------"));
      assertTrue(VerifiedModels.isVerified(dir));
    }
    Path real = d.resolve("real.json");
    Files.move(record, real);
    Files.createSymbolicLink(record, real);
    assertFalse(VerifiedModels.isVerified(dir), "a symbolic link in place of the record");

    long probes = ChildJvm.probes();
    Predictor.loadChecked(dir).close();
    assertEquals(probes + 1, ChildJvm.probes(), "an ignored record means a probe");
  }

  @Test
  void aFolderWithASymbolicLinkIsNeverRecorded(@TempDir Path d) throws Exception {
    Path dir = export(d.resolve("m"));
    Files.writeString(d.resolve("outside.txt"), "x");
    Files.createSymbolicLink(dir.resolve("assets.extra/link.txt"), d.resolve("outside.txt"));
    assertNull(FolderDigest.of(dir));
    long probes = ChildJvm.probes();
    Predictor.loadChecked(dir).close();
    Predictor.loadChecked(dir).close();
    assertEquals(probes + 2, ChildJvm.probes(), "probed at every load");
    assertFalse(VerifiedModels.isVerified(dir));
  }

  /** Many writers and readers of one record at once: every read sees a whole record or none, and none is left half-written. */
  @Test
  void concurrentRunsLeaveWholeRecords(@TempDir Path d) throws Exception {
    Path dir = Files.createDirectories(d.resolve("v"));
    Files.writeString(dir.resolve("saved_model.pb"), "pb");
    FolderDigest digest = FolderDigest.of(dir);
    TreeMap<String, FolderDigest.FileDigest> other = new TreeMap<>(digest.files());
    other.put("saved_model.pb", new FolderDigest.FileDigest(3, "ab"));
    FolderDigest stale = new FolderDigest(digest.realDir(), other);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 30; i++) {
            VerifiedModels.record(id % 2 == 0 ? digest : stale);
            VerifiedModels.isRecorded(digest);   // never throws, whatever it finds
          }
          return null;
        }));
      }
      for (Future<?> f : fs) f.get();
    } finally {
      pool.shutdown();
    }
    VerifiedModels.record(digest);
    assertTrue(VerifiedModels.isRecorded(digest));
    assertFalse(VerifiedModels.isRecorded(stale));
    try (Stream<Path> s = Files.list(cache.resolve(VerifiedModels.RECORDS))) {
      assertEquals(List.of(VerifiedModels.recordFile(digest.realDir()).getFileName().toString()),
          s.map(p -> p.getFileName().toString()).toList(), "one record, no temporary file left");
    }
  }

  @Test
  void theCacheDirectoryIsTheProperty() {
    assertEquals(cache, VerifiedModels.cacheDir());
    assertEquals(cache.resolve(VerifiedModels.RECORDS), VerifiedModels.recordsDir());
  }
}

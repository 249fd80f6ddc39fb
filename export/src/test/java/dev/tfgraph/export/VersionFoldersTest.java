package dev.tfgraph.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.serving.ModelDirs;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version folders are numbers, as TF Serving reads them: 0007 is version 7. */
class VersionFoldersTest {
  @Test
  void versionsAreComparedByValue(@TempDir Path base) throws Exception {
    for (String v : new String[] {"9", "0010", "00", "007x", "-3", ".tfgraph-staging-11-1"}) {
      Files.createDirectories(base.resolve(v));
      Files.writeString(base.resolve(v).resolve("saved_model.pb"), "");
    }
    assertEquals(10, ModelDirs.highestVersion(base));
    assertEquals(base.resolve("0010"), ModelDirs.resolve(base));
    assertEquals(base.resolve("0010"), ModelDirs.folderOfVersion(base, 10));
    assertEquals(base.resolve("9"), ModelDirs.folderOfVersion(base, 9));
    assertEquals(null, ModelDirs.folderOfVersion(base, 11));
    assertEquals(11, ExportFolders.nextVersion(base));
  }

  @Test
  void anExplicitVersionBesideTheSameNumberSpelledOtherwiseIsRefused(@TempDir Path d) throws Exception {
    Path base = Files.createDirectories(d.resolve("m"));
    Files.createDirectories(base.resolve("0007"));
    Model m = ExporterTest.demo();
    BadInputException e = assertThrows(BadInputException.class,
        () -> Exporter.export(m, ExporterTest.weights(m), base, 7, Map.of()));
    assertTrue(e.getMessage().contains("0007") && e.getMessage().contains("version 7"), e.getMessage());
    assertTrue(Files.notExists(base.resolve("7")));
    // the default is one more than the highest present, read as a number
    assertEquals(8, Exporter.export(m, ExporterTest.weights(m), base, null, Map.of()).version());
  }
}

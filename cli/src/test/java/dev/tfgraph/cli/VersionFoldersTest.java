package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export's version folders as TF Serving reads them, and predict on labels that do not fit the output. */
class VersionFoldersTest {
  @Test
  void exportRefusesAVersionThatExistsSpelledOtherwise(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    Files.createDirectories(base.resolve("0007"));
    MainTest.Run r = MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString(),
        "--version", "7");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("tfgraph: ") && r.err().strip().lines().count() == 1, r.err());
    assertTrue(r.err().contains("0007"), r.err());
    assertTrue(Files.notExists(base.resolve("7")));
    MainTest.Run auto = MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString());
    assertEquals(0, auto.code(), auto.err());
    assertEquals(base.resolve("8").toString(), auto.out().strip(), "one more than the highest, read as a number");
  }

  @Test
  void predictWarnsOnceWhenTheLabelsDoNotFitTheOutput(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    Path info = base.resolve("1/assets.extra/tfgraph.json");
    String json = Files.readString(info);
    MainTest.Run fits = MainTest.run("predict", "--model", base.toString(), "--input", f[2].toString(), "--output", d.resolve("a.npy").toString());
    assertEquals(0, fits.code(), fits.err());
    assertTrue(!fits.err().contains("warning"), fits.err());
    assertTrue(json.contains("\"labels\" : [ \"a\", \"b\" ]"), json);
    Files.writeString(info, json.replace("\"labels\" : [ \"a\", \"b\" ]", "\"labels\" : [ \"a\", \"b\", \"c\" ]"));
    MainTest.Run r = MainTest.run("predict", "--model", base.toString(), "--input", f[2].toString(), "--output", d.resolve("b.npy").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.err().lines().filter(l -> l.startsWith("tfgraph: warning: ")).count(), r.err());
    assertTrue(r.err().contains("3 labels") && r.err().contains("[3, 2]"), r.err());
    assertTrue(Files.isRegularFile(d.resolve("b.npy")));
  }
}

package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.export.serving.ChildJvm;
import dev.tfgraph.export.serving.VerifiedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that load a model probe it in a child JVM once: a model this user's tfgraph exported or
 * probed, unchanged since, is loaded without a child JVM; a changed or copied one is probed again.
 */
class VerifiedModelsTest {
  private String previous;

  @BeforeEach
  void ownCache(@TempDir Path c) {
    previous = System.getProperty(VerifiedModels.DIR_PROPERTY);
    System.setProperty(VerifiedModels.DIR_PROPERTY, c.toString());
  }

  @AfterEach
  void restore() {
    if (previous == null) System.clearProperty(VerifiedModels.DIR_PROPERTY);
    else System.setProperty(VerifiedModels.DIR_PROPERTY, previous);
  }

  private static MainTest.Run predict(Path model, Path[] f, Path d, String... more) {
    String[] args = {"predict", "--model", model.toString(), "--input", f[2].toString(), "--output", d.resolve("o.npy").toString()};
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return MainTest.run(all);
  }

  @Test
  void aVerifiedModelIsLoadedWithoutAChildJvmUntilItChanges(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    long probes = ChildJvm.probes();
    for (String[] cmd : new String[][] {
        {"predict", "--model", base.toString(), "--input", f[2].toString(), "--output", d.resolve("o.npy").toString()},
        {"inspect", "--model", base.toString()},
        {"parity", "--model", base.toString(), "--input", f[2].toString(), "--expected", f[3].toString()},
        {"evaluate", "--model", base.resolve("1").toString(), "--x", f[2].toString(), "--y", writeLabels(d).toString()}}) {
      MainTest.Run r = MainTest.run(cmd);
      assertEquals(0, r.code(), cmd[0] + ": " + r.err());
    }
    assertEquals(probes, ChildJvm.probes(), "the export's verification is recorded: no probe");

    // one byte more in a file of the version folder: probed once, then recorded again
    Files.writeString(base.resolve("1/assets.extra/tfgraph.json"), " ", StandardOpenOption.APPEND);
    assertEquals(0, predict(base, f, d).code());
    assertEquals(probes + 1, ChildJvm.probes());
    assertEquals(0, predict(base, f, d).code());
    assertEquals(probes + 1, ChildJvm.probes());

    // the same files in another folder: that folder was never verified
    Path copy = Files.createDirectories(d.resolve("copy"));
    try (Stream<Path> s = Files.walk(base.resolve("1"))) {   // parents first
      for (Path p : (Iterable<Path>) s::iterator) Files.copy(p, copy.resolve(base.relativize(p).toString()));
    }
    assertEquals(0, predict(copy, f, d).code());
    assertEquals(probes + 2, ChildJvm.probes());
    // --trusted never probes
    assertEquals(0, predict(d.resolve("copy"), f, d, "--trusted").code());
    assertEquals(probes + 2, ChildJvm.probes());
    assertTrue(Files.isDirectory(Path.of(System.getProperty(VerifiedModels.DIR_PROPERTY), VerifiedModels.RECORDS)));
  }

  private static Path writeLabels(Path d) throws Exception {
    Path y = d.resolve("labels.npy");
    dev.tfgraph.graph.io.Npy.write(y, dev.tfgraph.graph.io.NpyArray.ofLongs(new long[] {3}, new long[] {0, 1, 0}));
    return y;
  }
}

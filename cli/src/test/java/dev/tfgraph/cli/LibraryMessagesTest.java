package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.cli.output.LibraryLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library logs instead of printing; the command line prints its records on stderr word for word as before. */
class LibraryMessagesTest {
  @Test
  void aLibraryRecordPrintsAsOneLineOnTheCurrentStderr() {
    LibraryLog.toStderr();
    LibraryLog.toStderr();   // once: no second handler, no line printed twice
    PrintStream e = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      System.getLogger("dev.tfgraph.graph.dist.Cluster").log(System.Logger.Level.WARNING, "cluster answers again; {0} stays as written");
      System.getLogger("dev.tfgraph.graph.dist.Cluster").log(System.Logger.Level.DEBUG, "below INFO: not printed");
    } finally {
      System.setErr(e);
    }
    assertEquals("tfgraph: cluster answers again; {0} stays as written" + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
  }

  /** A corrupt latest checkpoint on resume: the line Checkpoints logs, as the command line printed it before. */
  @Test
  void aSkippedCheckpointIsReportedOnStderr(@TempDir Path d) throws Exception {
    Path[] data = HostileInputTest.data(d, 40);
    Path ck = d.resolve("ck");
    List<String> args = HostileInputTest.train(HostileInputTest.DEMO, data, "--epochs", "2", "--batch-size", "8",
        "--checkpoint-dir", ck.toString());
    MainTest.Run first = MainTest.run(args.toArray(String[]::new));
    assertEquals(0, first.code(), first.err());
    Files.write(ck.resolve("ckpt-2.npz"), new byte[] {1, 2, 3});
    List<String> again = new ArrayList<>(args);
    again.set(again.indexOf("2"), "3");
    again.add("--resume");
    MainTest.Run resumed = MainTest.run(again.toArray(String[]::new));
    assertEquals(0, resumed.code(), resumed.err());
    String line = "tfgraph: checkpoint " + ck.resolve("ckpt-2.npz") + " is corrupt (checksum mismatch); trying the previous one";
    assertTrue(resumed.err().lines().anyMatch(line::equals), resumed.err());
  }
}

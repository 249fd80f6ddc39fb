package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tfgraph and ./main-job as a user runs them, stderr a pipe (the launcher's filter in the path). */
class LauncherTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Run(int code, byte[] out, byte[] err) {
    String errText() {
      return new String(err, StandardCharsets.UTF_8);
    }
  }

  static Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("tfgraph").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.environment().remove("TFGRAPH_RAW_STDERR");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, err);
  }

  static Path spec(Path d, String layerName, String type) throws Exception {
    Path s = d.resolve("spec.json");
    Files.writeString(s, "{\"format_version\": 1, \"name\": \"m\", \"input\": {\"name\": \"x\", \"shape\": [null, 3]}, \"layers\": [{\"type\": \""
        + type + "\", \"name\": \"" + layerName + "\", \"units\": 2}]}");
    return s;
  }

  /** Item 5: a NUL, ESC or BEL in a spec's layer name reaches stderr made visible, through a binary-safe filter. */
  @Test
  void controlCharactersInAMessageAreMadeVisible(@TempDir Path d) throws Exception {
    Run r = launch(Map.of(), "spec", "--spec", spec(d, "a\\u0000b\\u001b[31mc\\u0007d\\u009be", "Dense").toString());
    assertEquals(2, r.code(), r.errText());
    String err = r.errText();
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith("tfgraph: "), err);
    assertFalse(err.contains("binary file matches"), err);
    assertTrue(err.contains("a\\x00b\\x1b[31mc\\x07d\\u009be"), err);
    for (byte b : r.err()) assertTrue(b == '\n' || b >= 0x20 && b != 0x7f, "raw control byte " + b + " in " + err);
  }

  /** Item 8: each TFGRAPH_CLASSPATH entry that adds nothing is warned about; the unknown type names the class path. */
  @Test
  void aClasspathEntryThatAddsNothingIsWarnedAbout(@TempDir Path d) throws Exception {
    Path notJar = Files.writeString(d.resolve("notes.jar"), "not a zip");
    Path missing = d.resolve("gone.jar");
    Run r = launch(Map.of("TFGRAPH_CLASSPATH", missing + "::" + notJar + ":" + d), "spec", "--spec", spec(d, "b", "Boom").toString());
    assertEquals(2, r.code(), r.errText());
    List<String> lines = r.errText().strip().lines().toList();
    assertEquals(3, lines.size(), r.errText());
    assertTrue(lines.get(0).contains(missing + "\" does not exist"), lines.get(0));
    assertTrue(lines.get(1).contains(notJar + "\" is not a jar"), lines.get(1));
    assertTrue(lines.get(2).contains("unknown layer type \"Boom\"") && lines.get(2).contains("none of the 3 entries of TFGRAPH_CLASSPATH")
        && lines.get(2).contains("2 of them cannot be read"), lines.get(2));
    Run none = launch(Map.of("TFGRAPH_CLASSPATH", ""), "spec", "--spec", spec(d, "b", "Boom").toString());
    assertEquals(2, none.code(), none.errText());
    assertTrue(none.errText().contains("list its jar in TFGRAPH_CLASSPATH"), none.errText());
  }

  /**
   * Item 6: broken JPEGs make libjpeg and TF's decoder print lines of their own ("Input file read error",
   * "E ... jpeg_mem.cc:163]  Invalid components value 0" and a blank line, "Premature end of JPEG data");
   * through the launcher, stderr holds tfgraph's lines only, one per skipped file.
   */
  @Test
  void nativeDecoderLinesDoNotReachStderr(@TempDir Path d) throws Exception {
    byte[] jpeg = Files.readAllBytes(ROOT.resolve("testdata/images/photos/test/dog/dog_01.jpg"));
    for (String c : new String[] {"a", "b"}) {
      Files.createDirectories(d.resolve(c));
      Files.write(d.resolve(c).resolve("ok.jpg"), jpeg);
    }
    Files.write(d.resolve("a/cut20.jpg"), java.util.Arrays.copyOf(jpeg, 20));
    Files.write(d.resolve("a/soi.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});
    Files.write(d.resolve("b/cut624.jpg"), java.util.Arrays.copyOf(jpeg, 624));
    Run r = launch(Map.of(), "train", "--spec", ROOT.resolve("testdata/images/cnn32.json").toString(), "--data", d.toString(),
        "--skip-bad-images", "--epochs", "1", "--quiet");
    assertEquals(0, r.code(), r.errText());
    List<String> lines = r.errText().lines().toList();
    assertEquals(3, lines.size(), r.errText());
    for (String l : lines) assertTrue(l.startsWith("tfgraph: skipped "), r.errText());
  }

  /** Item 17: the main job builds with Maven's colours off and its output on stderr, so stdout carries results only. */
  @Test
  void theMainJobKeepsMavenOffStdout() throws Exception {
    String job = Files.readString(ROOT.resolve("main-job"));
    List<String> mvn = job.lines().filter(l -> l.strip().startsWith("mvn ")).toList();
    assertEquals(1, mvn.size(), job);
    assertTrue(mvn.get(0).contains("-Dstyle.color=never") && mvn.get(0).strip().endsWith(">&2"), mvn.get(0));
  }
}

package dev.tfgraph.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one output-writing helper: modes, symbolic links, leftovers, and outputs that would overwrite inputs. */
class OutputFilesTest {
  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static final NpyArray A = NpyArray.ofFloats(new long[] {2}, new float[] {1, 2});

  /** A new output gets the mode any program's new file gets (0666 & ~umask), not 0600; an existing one keeps its mode. */
  @Test
  void newOutputsGetTheUmaskModeAndExistingOnesKeepTheirs(@TempDir Path d) throws Exception {
    Path reference = d.resolve("reference");
    Files.newOutputStream(reference).close();   // open(O_CREAT, 0666) & ~umask, as cp or numpy would create it
    Npy.write(d.resolve("a.npy"), A);
    Npz.write(d.resolve("w.npz"), Map.of("k", A));
    OutputFiles.write(d.resolve("i.json"), new byte[] {'{', '}'});
    for (String f : new String[] {"a.npy", "w.npz", "i.json"}) assertEquals(mode(reference), mode(d.resolve(f)), f);
    for (String m : new String[] {"rw-r--r--", "rw-rw-r--", "rw-------"}) {
      Files.setPosixFilePermissions(d.resolve("a.npy"), PosixFilePermissions.fromString(m));
      Npy.write(d.resolve("a.npy"), A);
      assertEquals(m, mode(d.resolve("a.npy")), "an existing output keeps its mode");
    }
    try (Stream<Path> s = Files.list(d)) {
      assertEquals(4, s.count(), "no temporary file left");
    }
  }

  /** An output that is a symbolic link: the link's target is replaced (atomically), the link stays a link. */
  @Test
  void aSymbolicLinkIsWrittenThroughToItsTarget(@TempDir Path d) throws Exception {
    Files.createDirectories(d.resolve("real"));
    Path target = d.resolve("real/y.npy");
    Npy.write(target, NpyArray.ofFloats(new long[] {1}, new float[] {9}));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
    Path link = d.resolve("y.npy");
    Files.createSymbolicLink(link, Path.of("real/y.npy"));
    Path link2 = d.resolve("y2.npy");
    Files.createSymbolicLink(link2, link);
    Npy.write(link2, A);
    assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(link2), "links kept");
    assertArrayEquals(A.toFloats(), Npy.read(target).toFloats());
    assertEquals("rw-r-----", mode(target));
    Path dangling = d.resolve("z.npy");
    Files.createSymbolicLink(dangling, Path.of("real/z.npy"));
    Npy.write(dangling, A);
    assertTrue(Files.isSymbolicLink(dangling));
    assertArrayEquals(A.toFloats(), Npy.read(d.resolve("real/z.npy")).toFloats());
    BadInputException e = assertThrows(BadInputException.class, () -> Npy.write(d.resolve("real"), A));
    assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
  }

  /** predict --output X.npy --input X.npy, or weights --out M/1/saved_model.pb: refused before anything runs. */
  /** A named pipe (as /dev/null, /dev/stdout: not a plain file) is written into, and stays a pipe. */
  @Test
  void aPipeOrDeviceIsWrittenIntoNotReplaced(@TempDir Path d) throws Exception {
    Path fifo = d.resolve("out.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo available");
    byte[] payload = new byte[200_000];
    for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31);
    java.util.concurrent.CompletableFuture<byte[]> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readAllBytes(fifo);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    OutputFiles.write(fifo, payload);
    assertArrayEquals(payload, read.get(30, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo) && !Files.isDirectory(fifo), "still a pipe");
    try (var s = Files.list(d)) {
      assertEquals(1, s.count(), "no temporary file left");
    }
  }

  @Test
  void refusesAnOutputThatIsAnInputOrInsideTheModel(@TempDir Path d) throws Exception {
    Path x = d.resolve("x.npy");
    Npy.write(x, A);
    Path model = d.resolve("m");
    Files.createDirectories(model.resolve("1/variables"));
    Files.write(model.resolve("1/saved_model.pb"), new byte[] {1});
    Files.createSymbolicLink(d.resolve("link.npy"), x);
    Files.createLink(d.resolve("hard.npy"), x);
    Files.createSymbolicLink(d.resolve("mlink"), model);
    for (Path out : new Path[] {x, d.resolve("./x.npy"), d.resolve("link.npy"), d.resolve("hard.npy"), d.resolve("m/../x.npy")}) {
      BadInputException e = assertThrows(BadInputException.class, () -> OutputFiles.checkNotInput(out, "--output", model, x));
      assertTrue(e.getMessage().contains("--output " + out) && e.getMessage().contains("same file as the input"), e.getMessage());
    }
    for (Path out : new Path[] {model.resolve("1/saved_model.pb"), model.resolve("1/variables/new.npz"), model,
        d.resolve("mlink/1/saved_model.pb"), d.resolve("mlink/2/new/w.npz")}) {
      BadInputException e = assertThrows(BadInputException.class, () -> OutputFiles.checkNotInput(out, "--out", model));
      assertTrue(e.getMessage().contains("inside the model folder"), e.getMessage());
    }
    OutputFiles.checkNotInput(d.resolve("y.npy"), "--output", model, x);
    OutputFiles.checkNotInput(d.resolve("m2/w.npz"), "--out", model);
    assertArrayEquals(A.toFloats(), Npy.read(x).toFloats());
  }

  /** Temporary files of dead writers are leftovers; other names and live writers' files are not. */
  @Test
  void recognizesLeftoversOfDeadWritersOnly(@TempDir Path d) throws Exception {
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path dead = Files.createFile(d.resolve(".ckpt-3.npz.4999999-1x2y.tmp"));
    Path alive = Files.createFile(d.resolve(".ckpt-3.npz." + live + "-1x2y.tmp"));
    Path other = Files.createFile(d.resolve("ckpt-3.npz.4999999-1x2y.tmp"));
    Path dir = Files.createDirectory(d.resolve(".x.4999999-1x2y.tmp"));
    assertTrue(OutputFiles.isLeftover(dead));
    assertFalse(OutputFiles.isLeftover(alive));
    assertFalse(OutputFiles.isLeftover(other));
    assertFalse(OutputFiles.isLeftover(dir));
  }
}

package dev.tfgraph.graph.data;

import dev.tfgraph.graph.io.Idx;
import dev.tfgraph.graph.io.IdxTest;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of every reader of untrusted bytes (npy, npz, IDX, spec JSON): valid inputs with
 * random byte flips, truncations, insertions and large integers spliced in. Every input must end in
 * a result or a BadInputException: never another exception, an OutOfMemoryError or a hang.
 * -Dtfgraph.fuzz.iterations=N runs longer (default 3,000 per reader).
 */
class MutationFuzzTest {
  static final int N = Integer.getInteger("tfgraph.fuzz.iterations", 3000);

  static byte[] mutate(byte[] seed, SplittableRandom r) {
    byte[] b = seed.clone();
    int ops = 1 + r.nextInt(4);
    for (int o = 0; o < ops; o++) {
      switch (r.nextInt(5)) {
        case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b = java.util.Arrays.copyOf(b, Math.max(1, r.nextInt(b.length + 1)));
        case 2 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        case 3 -> {   // a large little/big-endian integer somewhere (sizes, lengths, dims)
          int at = r.nextInt(Math.max(1, b.length - 4));
          int v = r.nextBoolean() ? Integer.MAX_VALUE - r.nextInt(16) : r.nextInt();
          for (int i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (byte) (v >>> (8 * i));
        }
        default -> {
          int at = r.nextInt(b.length);
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = (byte) r.nextInt(256);
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
      }
    }
    return b;
  }

  static void fuzz(byte[] seed, long rngSeed, Consumer<byte[]> reader) {
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      SplittableRandom r = new SplittableRandom(rngSeed);
      for (int i = 0; i < N; i++) {
        byte[] input = mutate(seed, r);
        try {
          reader.accept(input);
        } catch (BadInputException expected) {
          // a clear error is the right outcome for a broken input
        } catch (Throwable t) {
          throw new AssertionError("input " + i + " (" + input.length + " bytes) ended in " + t, t);
        }
      }
    });
  }

  /** A reader of files, fed each input through the file f. */
  static Consumer<byte[]> viaFile(Path f, Consumer<Path> reader) {
    return b -> {
      try {
        Files.write(f, b);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      reader.accept(f);
    };
  }

  @Test
  void npy() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, NpyArray.ofFloats(new long[] {3, 4}, new float[12]));
    fuzz(out.toByteArray(), 1, b -> Npy.read(new ByteArrayInputStream(b), b.length, "fuzz"));
  }

  @Test
  void npz(@TempDir Path dir) throws Exception {
    Map<String, NpyArray> m = new LinkedHashMap<>();
    m.put("a.kernel", NpyArray.ofFloats(new long[] {2, 3}, new float[6]));
    m.put("a.bias", NpyArray.ofLongs(new long[] {3}, new long[3]));
    Path f = dir.resolve("seed.npz");
    Npz.write(f, m);
    byte[] seed = Files.readAllBytes(f);
    fuzz(seed, 2, viaFile(dir.resolve("fuzz.npz"), Npz::read));
  }

  @Test
  void idx(@TempDir Path dir) throws Exception {
    byte[] seed = IdxTest.idx(0x08, new int[] {3, 4, 4}, new byte[48]);
    fuzz(seed, 3, viaFile(dir.resolve("fuzz.idx"), Idx::read));
  }

  @Test
  void specJson() {
    byte[] seed = ("{\"format_version\": 1, \"name\": \"m\", \"input\": {\"name\": \"x\", \"shape\": [null, 3], \"dtype\": \"float32\"},"
        + " \"labels\": [\"a\", \"b\", \"c\"], \"layers\": [{\"type\": \"Scale\", \"name\": \"s\", \"width\": 3}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    fuzz(seed, 4, b -> Model.fromConfig(new String(b, java.nio.charset.StandardCharsets.UTF_8)));
  }
}

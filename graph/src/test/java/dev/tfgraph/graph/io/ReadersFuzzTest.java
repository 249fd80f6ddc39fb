package dev.tfgraph.graph.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz tests (Jazzer) of every reader of untrusted bytes. In the test command they
 * run in regression mode over the seeds in src/test/resources/.../ReadersFuzzTestInputs/<method>;
 * `JAZZER_FUZZ=1 mvn -pl graph test -Dtest=ReadersFuzzTest#npy` fuzzes one for its maxDuration.
 * Every input must end in a result or a BadInputException.
 */
class ReadersFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void npy(byte[] b) {
    try {
      Npy.read(new ByteArrayInputStream(b), b.length, "fuzz");
    } catch (BadInputException expected) {
      // a clear error is the right outcome
    }
  }

  @FuzzTest(maxDuration = "60s")
  void npz(byte[] b) throws Exception {
    Path f = Files.createTempFile("fuzz", ".npz");
    try {
      Files.write(f, b);
      Npz.read(f);
    } catch (BadInputException expected) {
      // a clear error is the right outcome
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void idx(byte[] b) throws Exception {
    Path f = Files.createTempFile("fuzz", ".idx");
    try {
      Files.write(f, b);
      Idx.read(f);
    } catch (BadInputException expected) {
      // a clear error is the right outcome
    } finally {
      Files.deleteIfExists(f);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void spec(byte[] b) {
    try {
      Model.fromConfig(new String(b, StandardCharsets.UTF_8));
    } catch (BadInputException expected) {
      // a clear error is the right outcome
    }
  }
}

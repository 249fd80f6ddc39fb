package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.layers.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cross-language suite of testdata/parity (written by gen_parity.py with an independent
 * PyTorch float64 implementation of the contract), run through the command line as a user would:
 * export + parity for every layer family and built-in model, and one SGD step for each family.
 */
class ParitySuiteTest {
  static final Path DIR = Path.of("..", "testdata", "parity");
  static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> cases() throws Exception {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> Files.isRegularFile(p.resolve("case.json"))).map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  static Stream<String> trainingCases() throws Exception {
    return cases().filter(c -> Files.exists(DIR.resolve(c).resolve("after_sgd.npz")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void exportedModelMatchesTheReference(String name, @TempDir Path tmp) throws Exception {
    Path c = DIR.resolve(name);
    JsonNode meta = JSON.readTree(c.resolve("case.json").toFile());
    MainTest.Run ex = MainTest.run("export", "--spec", c.resolve("spec.json").toString(), "--weights",
        c.resolve("weights.npz").toString(), "--out", tmp.resolve("m").toString());
    assertEquals(0, ex.code(), ex.err());
    MainTest.Run p = MainTest.run("parity", "--model", tmp.resolve("m").toString(), "--input", c.resolve("x.npy").toString(),
        "--expected", c.resolve("expected.npy").toString(), "--rtol", meta.get("rtol").asText(), "--atol", meta.get("atol").asText());
    assertEquals(0, p.code(), name + ": " + p.err() + p.out());
  }

  /** One SGD step on the whole batch matches PyTorch float64 within 1e-5 (scaled relative). */
  @ParameterizedTest
  @MethodSource("trainingCases")
  void oneSgdStepMatchesTheReference(String name, @TempDir Path tmp) throws Exception {
    Path c = DIR.resolve(name);
    JsonNode meta = JSON.readTree(c.resolve("case.json").toFile());
    Path out = tmp.resolve("after.npz");
    MainTest.Run t = MainTest.run("train", "--spec", c.resolve("spec.json").toString(), "--weights", c.resolve("weights.npz").toString(),
        "--x", c.resolve("x.npy").toString(), "--y", c.resolve("y.npy").toString(), "--optimizer", "sgd",
        "--learning-rate", meta.get("learning_rate").asText(), "--batch-size", meta.get("batch_size").asText(),
        "--epochs", "1", "--no-shuffle", "--quiet", "--save-weights", out.toString());
    assertEquals(0, t.code(), t.err());
    Map<String, NpyArray> want = Npz.read(c.resolve("after_sgd.npz")), got = Npz.read(out);
    assertEquals(want.keySet(), got.keySet());
    for (String k : want.keySet()) {
      double[] w = want.get(k).toDoubles(), g = got.get(k).toDoubles();
      for (int i = 0; i < w.length; i++) {
        double err = Math.abs(w[i] - g[i]) / Math.max(1, Math.abs(w[i]));
        assertTrue(err <= 1e-5, name + " " + k + "[" + i + "]: want " + w[i] + " got " + g[i]);
      }
    }
  }

  /** The built-in models' specs in testdata/parity/models are exactly what Models.create builds. */
  @ParameterizedTest
  @ValueSource(strings = {"cnn", "taylor-cnn", "prototype-net", "ib-cnn", "softexp-mlp"})
  void builtInSpecsMatchTheGeneratorsCopies(String name) throws Exception {
    JsonNode file = JSON.readTree(DIR.resolve("models").resolve(name + ".json").toFile());
    assertEquals(file, JSON.readTree(Models.create(name, Models.Options.defaults()).config()));
  }
}

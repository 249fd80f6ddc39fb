package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.cli.options.ParityTolerances;
import dev.tfgraph.cli.output.ParityReport;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.layers.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * parity's default tolerance: a correct float32 export of every built-in model family passes against a
 * float64 reference (PyTorch's for the parity suite, the model's own float64 twin for trained-like weights
 * and deep backbones), two swapped weights fail, and a failure names the element, what it got and expected.
 */
class ParityDefaultsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> builtInCases() throws Exception {
    return ParitySuiteTest.cases().filter(c -> c.startsWith("model-"));
  }

  /** The built-in models of the parity suite, against PyTorch float64, at the defaults (no --rtol, no --atol). */
  @ParameterizedTest
  @MethodSource("builtInCases")
  void builtInModelsPassAgainstPyTorchFloat64AtTheDefaults(String name, @TempDir Path tmp) {
    Path c = ParitySuiteTest.DIR.resolve(name);
    assertEquals(0, export(c.resolve("spec.json"), c.resolve("weights.npz"), tmp.resolve("m")).code());
    MainTest.Run p = parity(tmp.resolve("m"), c.resolve("x.npy"), c.resolve("expected.npy"));
    assertEquals(0, p.code(), name + ": " + p.err());
  }

  /**
   * The families whose float32 error is largest, with trained-like weights (batch-norm statistics away from
   * their initial values, a confident head) against the same model in float64: ib-cnn with MatrixSqrt "svd"
   * (the default method) and "eigh", and the deep backbones of ib-vgg16 and ib-resnet50 (reduced widths).
   */
  @Test
  void hardFamiliesPassAgainstTheirFloat64TwinAtTheDefaults(@TempDir Path tmp) throws Exception {
    Map<String, Model> models = new LinkedHashMap<>();
    for (String sqrt : new String[] {"svd", "eigh"}) {
      models.put("ib-cnn-" + sqrt, Models.create("ib-cnn", new Models.Options(Models.DEFAULT_TAYLOR_ORDER, Models.DEFAULT_PROTOTYPES_PER_CLASS, sqrt)));
    }
    models.put("ib-vgg16-32px-div8", Models.ibVgg16(32, 8, "svd", 10, true));
    // 96×96: conv5 has 3×3 positions for 32 channels, about the rank deficiency of the full model (7×7 for 256)
    models.put("ib-resnet50-96px-div32", Models.ibResNet50(96, 32, 32, "svd", 10, true));
    for (Map.Entry<String, Model> e : models.entrySet()) {
      Path d = Files.createDirectories(tmp.resolve(e.getKey()));
      Map<String, NpyArray> w = trainedLike(e.getValue());
      if (e.getKey().startsWith("ib-resnet50")) {
        // ResNet50's backbone from torchvision's layout (batch-norm statistics of a training-mode pass:
        // random ones would not match the activations, which then grow block after block)
        Npz.read(ResNet50CliTest.DIR.resolve(ResNet50CliTest.PREFIX + "_weights.npz")).forEach((k, v) -> {
          if (w.containsKey(k)) w.put(k, NpyArray.ofFloats(v.shape(), v.toFloats()));
        });
      }
      Path[] f = float64Reference(e.getValue(), w, 8, d);
      assertEquals(0, export(f[0], f[1], d.resolve("m")).code());
      MainTest.Run p = parity(d.resolve("m"), f[2], f[3]);
      assertEquals(0, p.code(), e.getKey() + ": " + p.err());
    }
  }

  /** Two weights swapped: parity fails at the defaults, naming the first failing element, got, expected and the allowance. */
  @Test
  void twoSwappedWeightsFailAtTheDefaults(@TempDir Path tmp) throws Exception {
    for (String[] c : new String[][] {{"model-ib-cnn", "head.bias"}, {"model-cnn", "conv1.kernel"}}) {
      Path dir = ParitySuiteTest.DIR.resolve(c[0]);
      Map<String, NpyArray> w = new LinkedHashMap<>(Npz.read(dir.resolve("weights.npz")));
      float[] v = w.get(c[1]).toFloats();
      int lo = 0, hi = 0;   // the smallest and the largest: the swap of most effect
      for (int i = 0; i < v.length; i++) {
        if (v[i] < v[lo]) lo = i;
        if (v[i] > v[hi]) hi = i;
      }
      float t = v[lo];
      v[lo] = v[hi];
      v[hi] = t;
      w.put(c[1], NpyArray.ofFloats(w.get(c[1]).shape(), v));
      Path swapped = tmp.resolve(c[0] + "-swapped.npz");
      Npz.write(swapped, w);
      Path m = tmp.resolve(c[0]);
      assertEquals(0, export(dir.resolve("spec.json"), swapped, m).code());
      MainTest.Run p = parity(m, dir.resolve("x.npy"), dir.resolve("expected.npy"));
      assertEquals(1, p.code(), c[0] + " with " + c[1] + "[" + lo + "] and [" + hi + "] swapped: " + p.err());
      assertTrue(p.err().contains("parity FAIL") && p.err().contains("first at [") && p.err().contains("got ")
          && p.err().contains("expected ") && p.err().contains("allowed"), p.err());
      JsonNode o = JSON.readTree(p.out());
      JsonNode first = o.get("first_failing");
      double got = first.get("got").asDouble(), want = first.get("expected").asDouble();
      assertTrue(Math.abs(got - want) > first.get("allowed").asDouble(), o.toString());
      assertEquals(o.get("first_failing_index"), first.get("index"));
      assertEquals(o.get("max_abs_error").asDouble() / o.get("max_abs_expected").asDouble(), o.get("scaled_error").asDouble(), 1e-12);
    }
  }

  /** The default tolerance follows the model's family; a given --rtol or --atol replaces it. */
  @Test
  void theDefaultToleranceIsTheFamilys() throws Exception {
    for (String sqrt : new String[] {"svd", "eigh", "newton_schulz"}) {
      Model m = Models.create("ib-cnn", new Models.Options(Models.DEFAULT_TAYLOR_ORDER, Models.DEFAULT_PROTOTYPES_PER_CLASS, sqrt));
      var info = new dev.tfgraph.export.serving.ExportRecord(JSON.readTree(m.config()), java.util.List.of(), JSON.missingNode());
      assertEquals(sqrt.equals("newton_schulz") ? ParityTolerances.GENERAL : ParityTolerances.EIGEN_FLOAT32, ParityTolerances.defaults(info), sqrt);
      var f64 = new dev.tfgraph.export.serving.ExportRecord(JSON.readTree(m.config().replace("\"float32\"", "\"float64\"")), java.util.List.of(),
          JSON.missingNode());
      assertEquals(ParityTolerances.GENERAL, ParityTolerances.defaults(f64), sqrt + " in float64");
    }
    assertEquals(ParityTolerances.GENERAL, ParityTolerances.defaults(new dev.tfgraph.export.serving.ExportRecord(
        JSON.readTree(Models.create("cnn", Models.Options.defaults()).config()), java.util.List.of(), JSON.missingNode())));
    assertEquals(ParityTolerances.GENERAL, ParityTolerances.defaults(null), "a SavedModel without tfgraph's record");
    assertTrue(ParityTolerances.EIGEN_FLOAT32.atol() > ParityTolerances.GENERAL.atol() && ParityTolerances.GENERAL.rtol() <= 1e-4);
  }

  @Test
  void theReportNamesTheFirstFailureAndTheScaleInAnyLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try {
      double[] want = {0.5, -2.0, 0.25, 0.0};
      double[] got = {0.5, -2.0 + 1e-2, 0.25, 1e-3};
      ParityReport r = ParityReport.compare(got, want, 1e-3, 1e-6);
      assertEquals(2, r.failing());
      assertEquals(1, r.firstFailing());
      assertEquals(-1.99, r.firstGot(), 1e-15);
      assertEquals(-2.0, r.firstExpected());
      assertEquals(2.0, r.scale());
      assertEquals(1, r.worst());
      assertEquals(1e-2 / 2.0, r.scaledError(), 1e-12);
      String s = ParityReport.summary(r, new long[] {2, 2}, 1e-3, 1e-6);
      assertTrue(s.startsWith("parity FAIL: 4 elements, max abs error 0.0100 (0.00500 of the output's scale, max |expected| 2.00)"), s);
      assertTrue(s.contains("first at [0, 1]: got -1.99000000, expected -2.00000000, |got - expected| 0.0100 > 0.00200 allowed"), s);
      assertArrayEquals(new long[] {1, 0}, ParityReport.unravel(2, new long[] {2, 2}));
      ParityReport pass = ParityReport.compare(want, want, 0, 0);
      assertEquals(0, pass.failing());
      assertEquals(-1, pass.firstFailing());
      assertTrue(ParityReport.summary(pass, new long[] {4}, 0, 0).startsWith("parity PASS: 4 elements, max abs error 0.00 (0.00 of"));
    } finally {
      Locale.setDefault(before);
    }
  }

  /** --scale-tol T: every element within T·max |expected| (an imported Keras model's check); the element past it fails. */
  @Test
  void scaleTolIsTheOutputsScaleTimesT(@TempDir Path tmp) throws Exception {
    Path c = ParitySuiteTest.DIR.resolve(builtInCases().findFirst().orElseThrow());
    export(c.resolve("spec.json"), c.resolve("weights.npz"), tmp.resolve("m"));
    dev.tfgraph.graph.io.NpyArray want = dev.tfgraph.graph.io.Npy.read(c.resolve("expected.npy"));
    double[] off = want.toDoubles();
    double scale = 0;
    for (double v : off) scale = Math.max(scale, Math.abs(v));
    off[0] += 2e-4 * scale;   // one element off by 2e-4 of the scale
    Path shifted = tmp.resolve("shifted.npy");
    dev.tfgraph.graph.io.Npy.write(shifted, dev.tfgraph.graph.io.NpyArray.ofDoubles(want.shape(), off));
    String[] base = {"parity", "--model", tmp.resolve("m").toString(), "--input", c.resolve("x.npy").toString(), "--expected"};
    MainTest.Run pass = MainTest.run(concat(base, c.resolve("expected.npy").toString(), "--scale-tol", "1e-4"));
    assertEquals(0, pass.code(), pass.err());
    assertTrue(pass.out().contains("\"scale_tol\":1.0E-4"), pass.out());
    MainTest.Run fail = MainTest.run(concat(base, shifted.toString(), "--scale-tol", "1e-4"));
    assertEquals(1, fail.code(), fail.err());
    assertEquals(0, MainTest.run(concat(base, shifted.toString(), "--scale-tol", "1e-3")).code());
    MainTest.Run both = MainTest.run(concat(base, shifted.toString(), "--scale-tol", "1e-3", "--rtol", "1e-3"));
    assertEquals(2, both.code());
    assertTrue(both.err().contains("--scale-tol replaces --rtol and --atol"), both.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static MainTest.Run export(Path spec, Path weights, Path out) {
    MainTest.Run r = MainTest.run("export", "--spec", spec.toString(), "--weights", weights.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    return r;
  }

  static MainTest.Run parity(Path model, Path x, Path expected) {
    return MainTest.run("parity", "--model", model.toString(), "--input", x.toString(), "--expected", expected.toString());
  }

  /**
   * Initial weights moved as training moves them: batch-norm statistics and scales away from 0 and 1,
   * small biases, a head eight times its initial scale (confident softmax outputs). float32 values.
   */
  static Map<String, NpyArray> trainedLike(Model m) {
    SplittableRandom r = new SplittableRandom(7);
    Map<String, NpyArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NpyArray> e : ModelRuntime.initialValues(m, 1).entrySet()) {
      String k = e.getKey();
      float[] v = e.getValue().toFloats();
      for (int i = 0; i < v.length; i++) {
        if (k.endsWith("moving_mean")) v[i] = (float) (r.nextGaussian() * 0.5);
        else if (k.endsWith("moving_variance")) v[i] = (float) (0.5 + 1.5 * r.nextDouble());
        else if (k.endsWith("gamma")) v[i] = (float) (0.5 + r.nextDouble());
        else if (k.endsWith("beta") || (k.endsWith("bias") && !k.startsWith("head"))) v[i] = (float) (r.nextGaussian() * 0.1);
        else if (k.equals("head.kernel")) v[i] *= 8;
      }
      out.put(k, NpyArray.ofFloats(e.getValue().shape(), v));
    }
    return out;
  }

  /**
   * The float32 spec and weights, an input of n smooth image-like examples in [0.1, 0.9], and the
   * output of the same model built in float64 (its own export, fed float64): spec, weights, x, expected.
   */
  static Path[] float64Reference(Model m32, Map<String, NpyArray> w, int n, Path d) throws Exception {
    Model m64 = Model.fromConfig(m32.config().replace("\"float32\"", "\"float64\""));
    long[] shape = m32.inputs().get(0).shape().asArray();
    shape[0] = n;
    int len = 1;
    for (long s : shape) len *= (int) s;
    int c = (int) shape[shape.length - 1];
    float[] x = new float[len];
    double[] xd = new double[len];
    for (int i = 0; i < len; i++) {
      int p = i / c;
      x[i] = (float) (0.5 + 0.4 * Math.sin(p * 0.013 + i % c) * Math.cos(p * 0.0007));
      xd[i] = x[i];
    }
    Path spec = d.resolve("spec.json"), weights = d.resolve("w.npz"), xf = d.resolve("x.npy"), yf = d.resolve("expected.npy");
    Files.writeString(spec, m32.config());
    Npz.write(weights, w);
    Npy.write(xf, NpyArray.ofFloats(shape, x));
    Exporter.Result e = Exporter.export(m64, w, d.resolve("float64"), null, Map.of());
    try (Predictor p = Predictor.load(e.dir())) {
      NpyArray y = p.predict(NpyArray.ofDoubles(shape, xd), n);
      assertEquals(NpyArray.Kind.FLOAT64, y.kind(), "a float64 reference");
      Npy.write(yf, y);
    }
    return new Path[] {spec, weights, xf, yf};
  }
}

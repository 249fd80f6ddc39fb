package dev.tfgraph.layers.keras;

import static dev.tfgraph.layers.keras.KerasExportFixtures.DIR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.keras.export.KerasExport;
import dev.tfgraph.layers.models.Models;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * tfgraph models written as Keras 3 .keras files: read back by the importer as the same model and weights,
 * and predicting (in real Keras, at generation time: testdata/keras/out/check_export.py) what tfgraph predicts.
 */
class KerasExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The built-in models that map to Keras and are small enough to write in a test. */
  private static final List<String> BUILT_INS = List.of("cnn", "taylor-cnn", "ib-cnn", "prototype-net", "softexp-mlp");

  @TempDir Path tmp;

  @Test
  void builtInsAndFixturesComeBackWithTheSameConfigAndBitIdenticalWeights() {
    Map<String, Model> all = new java.util.LinkedHashMap<>();
    for (String b : BUILT_INS) all.put(b, Models.create(b, Models.Options.defaults()));
    // ib-vgg16 and ib-resnet50 (ImagePreprocessing, frozen backbones, ResNet's merges) at a width a test writes quickly
    all.put("ib-vgg16", Models.ibVgg16(32, 16, "eigh", 10, true));
    all.put("ib-resnet50", Models.ibResNet50(32, 16, 8, "newton_schulz", 10, false));
    all.putAll(KerasExportFixtures.models());
    for (var e : all.entrySet()) {
      Model m = e.getValue();
      Map<String, NpyArray> w = KerasExportFixtures.weights(m, 7);
      Path out = tmp.resolve(e.getKey() + ".keras");
      KerasExport.write(m, w, out, Map.of("test", e.getKey()));
      KerasModel back = KerasModel.load(out);
      assertEquals(KerasModel.formatTwo(m), KerasModel.formatTwo(back.model()), e.getKey());
      assertEquals(w.keySet(), back.weights().keySet(), e.getKey());
      for (String k : w.keySet()) {
        assertArrayEquals(w.get(k).shape(), back.weights().get(k).shape(), k);
        assertTrue(java.util.Arrays.equals(w.get(k).toFloats(), back.weights().get(k).toFloats()), e.getKey() + ": " + k + " differs");
      }
      assertEquals(m.labels(), back.model().labels(), e.getKey());
    }
  }

  /** Files Keras wrote (testdata/keras/models: nested models, operation nodes, shared layers, tfgraph_keras layers) go out unchanged. */
  @Test
  void kerasWrittenModelsGoBackToKerasUnchanged() {
    for (String name : List.of("seq_mlp", "seq_cnn", "func_residual", "func_two_inputs", "func_mobile", "func_shared", "func_ops",
        "nest_in_seq", "nest_transfer", "custom_tfgraph", "augment")) {
      KerasModel k = KerasModel.load(KerasImportTest.DIR.resolve(name + ".keras"));
      Path out = tmp.resolve(name + ".keras");
      KerasExport.write(k.model(), k.weights(), out);
      KerasModel back = KerasModel.load(out);
      assertEquals(k.spec(), back.spec(), name);
      for (String w : k.weights().keySet()) {
        assertTrue(java.util.Arrays.equals(k.weights().get(w).toFloats(), back.weights().get(w).toFloats()), name + ": " + w);
      }
    }
  }

  @Test
  void kerasPredictsWhatTfgraphPredictsOnTheCommittedFiles() {
    for (var e : KerasExportFixtures.models().entrySet()) {
      String name = e.getKey();
      KerasModel k = KerasModel.load(DIR.resolve(name + ".keras"));
      // the committed file is what the writer makes of this fixture today (config; the weights are seeded)
      assertEquals(KerasModel.formatTwo(e.getValue()), KerasModel.formatTwo(k.model()), name);
      float[] want = Npy.read(DIR.resolve(name + ".y.npy")).toFloats();
      double err = scaledError(predict(k.model(), k.weights(), inputs(name, k.model())), want);
      assertTrue(err <= 1e-4, name + ": max |tfgraph - keras| / max |keras| = " + err);
    }
  }

  @Test
  void theToleranceCatchesAWrongWeight() {
    KerasModel k = KerasModel.load(DIR.resolve("softexp.keras"));
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(k.weights());
    float[] a = w.get("softexp.alpha").toFloats();
    for (int i = 0; i < a.length; i++) a[i] += 0.05f;
    w.put("softexp.alpha", NpyArray.ofFloats(k.weights().get("softexp.alpha").shape(), a));
    double err = scaledError(predict(k.model(), w, inputs("softexp", k.model())), Npy.read(DIR.resolve("softexp.y.npy")).toFloats());
    assertTrue(err > 1e-3, "a changed alpha moves the output past the tolerance: " + err);
  }

  @Test
  void theFileHoldsExactlyKerasThreeEntriesAndTfgraphMetadata() throws Exception {
    Model m = KerasExportFixtures.models().get("cnn_bn");
    Path out = tmp.resolve("m.keras");
    KerasExport.write(m, KerasExportFixtures.weights(m, 1), out, Map.of("spec_file", "cnn_bn.json"));
    try (ZipFile z = new ZipFile(out.toFile())) {
      List<String> names = z.stream().map(java.util.zip.ZipEntry::getName).sorted().toList();
      assertEquals(List.of("config.json", "metadata.json", "model.weights.h5"), names);
      JsonNode meta = JSON.readTree(new String(z.getInputStream(z.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8));
      assertEquals("3.15.1", meta.get("keras_version").asText());
      assertEquals("j", meta.at("/tfgraph/labels/9").asText());
      assertEquals("cnn_bn.json", meta.at("/tfgraph/provenance/source/spec_file").asText());
      JsonNode config = JSON.readTree(z.getInputStream(z.getEntry("config.json")));
      assertEquals("Functional", config.get("class_name").asText());
      JsonNode bn2 = config.at("/config/layers/7");
      assertEquals("bn2", bn2.get("name").asText());
      assertFalse(bn2.at("/inbound_nodes/0/kwargs/training").asBoolean(true), "inference_mode is Keras' training=False");
    }
    try (var files = Files.list(tmp)) {
      assertEquals(List.of("m.keras"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
  }

  @Test
  void layersWithoutAKerasClassAreRefusedInOneLineAndNothingIsWritten() {
    Model m = Model.builder("odd", "x", 4).add(new Dense("fc", 3, "hard_sigmoid_legacy")).add(new Unmapped("mine"))
        .add(new Dense("head", 2, "softmax")).build();
    Path out = tmp.resolve("odd.keras");
    BadInputException e = assertThrows(BadInputException.class, () -> KerasExport.write(m, ModelRuntime.initialValues(m, 1), out));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals("model 'odd' cannot be written as Keras: 'fc' Dense: activation \"hard_sigmoid_legacy\" has no Keras counterpart;"
        + " 'mine' Unmapped: no Keras class (neither Keras nor tfgraph_keras has it, and no LayerFactory.kerasNames() maps one to it)",
        e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void missingOrMisshapenWeightsAreRefusedInOneLine() {
    Model m = KerasExportFixtures.models().get("softexp");
    Map<String, NpyArray> w = new java.util.LinkedHashMap<>(KerasExportFixtures.weights(m, 1));
    w.remove("fc.bias");
    w.put("head.kernel", NpyArray.ofFloats(new long[] {2}, new float[2]));
    Path out = tmp.resolve("w.keras");
    BadInputException e = assertThrows(BadInputException.class, () -> KerasExport.write(m, w, out));
    assertEquals("the weights do not fit model 'softexp': fc.bias is missing; head.kernel has shape [2], expected [12, 3]", e.getMessage());
    assertFalse(Files.exists(out));
  }

  /**
   * Writes the committed files: each fixture's .keras and inputs. Run with -Dtfgraph.regenerate=true, then
   * check_export.py writes Keras' predictions.
   */
  @Test
  void regenerate() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("tfgraph.regenerate"), "regenerates testdata/keras/out only when asked");
    for (var e : KerasExportFixtures.models().entrySet()) {
      Model m = e.getValue();
      KerasExport.write(m, KerasExportFixtures.weights(m, 11), DIR.resolve(e.getKey() + ".keras"), Map.of("fixture", e.getKey()));
      List<NpyArray> xs = KerasExportFixtures.inputs(m, 5);
      for (int i = 0; i < xs.size(); i++) Npy.write(inputPath(e.getKey(), m, i), xs.get(i));
    }
  }

  private static Path inputPath(String name, Model m, int i) {
    return DIR.resolve(m.inputs().size() == 1 ? name + ".x.npy" : name + ".x_" + m.inputs().get(i).name() + ".npy");
  }

  private static List<NpyArray> inputs(String name, Model m) {
    List<NpyArray> out = new ArrayList<>();
    for (int i = 0; i < m.inputs().size(); i++) out.add(Npy.read(inputPath(name, m, i)));
    return out;
  }

  static float[] predict(Model m, Map<String, NpyArray> w, List<NpyArray> xs) {
    try (ModelRuntime rt = ModelRuntime.inference(m)) {
      rt.setWeights(w);
      return rt.predict(xs.stream().map(NpyArray::toFloats).toList(), (int) xs.get(0).shape()[0], 64);
    }
  }

  static double scaledError(float[] got, float[] want) {
    return KerasImportTest.scaledError(got, want);
  }

  /** A layer of the user's own that no Keras class stands for. */
  static final class Unmapped extends Layer {
    Unmapped(String name) {
      super(name, true);
    }

    @Override public String type() { return "Unmapped"; }

    @Override protected void writeConfig(Map<String, Object> out) {}

    @Override protected Shape computeBuild(Shape input) {
      return input;
    }

    @Override public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      return x;
    }
  }
}

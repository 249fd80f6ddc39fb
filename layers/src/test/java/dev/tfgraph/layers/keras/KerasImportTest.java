package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras models written by real Keras 3 (testdata/keras/gen_models.py): imported from .keras and from
 * legacy .h5, run in process, equal to Keras' predict within 1e-4 of the output's scale; refused
 * models name every offending layer in one line.
 */
class KerasImportTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "models");
  static final List<String> MODELS = List.of("seq_mlp", "seq_cnn", "func_residual", "func_two_inputs", "func_mobile", "func_shared");

  @Test
  void everyFixtureModelPredictsWhatKerasPredicts() {
    for (String name : MODELS) {
      for (String ext : new String[] {".keras", ".h5"}) {
        KerasModel k = KerasModel.load(DIR.resolve(name + ext));
        NpyArray want = Npy.read(DIR.resolve(name + ".y.npy"));
        double err = scaledError(predict(k, name), want.toFloats());
        assertTrue(err <= 1e-4, name + ext + ": max |got - want| / max |want| = " + err);
      }
    }
  }

  @Test
  void aWrongWeightIsCaught() {
    // the test above could pass on weights that do not matter: a permuted bias must move the output past the tolerance
    KerasModel k = KerasModel.load(DIR.resolve("seq_cnn.keras"));
    var w = new java.util.LinkedHashMap<>(k.weights());
    float[] mean = w.get("bn1.moving_mean").toFloats();
    float t = mean[0];
    mean[0] = mean[1];
    mean[1] = t;
    w.put("bn1.moving_mean", NpyArray.ofFloats(new long[] {mean.length}, mean));
    KerasModel swapped = new KerasModel(k.model(), w, k.renames());
    double err = scaledError(predict(swapped, "seq_cnn"), Npy.read(DIR.resolve("seq_cnn.y.npy")).toFloats());
    assertTrue(err > 1e-3, "two swapped channels of a moving mean change the output: " + err);
  }

  /** A layer Keras calls at several places: later calls share the first call's weights (one set, in the file and the model). */
  @Test
  void sharedLayersImportAsLaterCallsThatShareWeights() {
    for (String ext : new String[] {".keras", ".h5"}) {
      KerasModel k = KerasModel.load(DIR.resolve("func_shared" + ext));
      assertEquals("enc_conv", k.model().shares("enc_conv_call2"));
      assertEquals("enc_dense", k.model().shares("enc_dense_call2"));
      assertEquals("squash", k.model().shares("squash_call2"));
      assertEquals(null, k.model().shares("enc_conv"));
      assertTrue(k.weights().containsKey("enc_conv.kernel") && k.weights().keySet().stream().noneMatch(n -> n.contains("_call")),
          k.weights().keySet().toString());
      assertTrue(k.renames().stream().anyMatch(r -> r.toString().equals(
          "layer \"enc_conv (call 2)\" -> \"enc_conv_call2\" (a later call of a shared layer, sharing its weights)")), k.renames().toString());
      assertEquals(k.model().config(), Model.fromConfig(k.spec()).config(), "the spec round-trips with shares");
    }
  }

  @Test
  void specIsFormatTwoWithKerasNamesAndTheRenamesListed() {
    KerasModel k = KerasModel.load(DIR.resolve("func_residual.keras"));
    String spec = k.spec();
    assertTrue(spec.contains("\"format_version\" : 2"), spec);
    assertTrue(spec.contains("\"name\" : \"branch_conv\"") && spec.contains("\"name\" : \"res_add\""), spec);
    assertEquals(1, k.renames().size(), k.renames().toString());
    assertEquals("layer \"res.add\" -> \"res_add\" (characters a spec forbids replaced by _)", k.renames().get(0).toString());
    // the printed spec is a valid spec that builds the same model
    Model again = Model.fromConfig(spec);
    assertEquals(k.model().config(), again.config());
    // a chain is written as format 2 too, inbound on every layer
    String seq = KerasModel.load(DIR.resolve("seq_mlp.keras")).spec();
    assertTrue(seq.contains("\"format_version\" : 2") && seq.contains("\"inbound\" : [ \"norm\" ]") && seq.contains("\"outputs\" : [ \"head\" ]"), seq);
  }

  @Test
  void weightsAreNamedByTfgraphsNames() {
    KerasModel k = KerasModel.load(DIR.resolve("seq_cnn.h5"));
    assertTrue(k.weights().containsKey("dilated.kernel") && !k.weights().containsKey("dilated.bias"), k.weights().keySet().toString());
    assertTrue(k.weights().containsKey("bn_plain.moving_mean") && !k.weights().containsKey("bn_plain.gamma"));
    assertTrue(k.weights().containsKey("bn_axis3.gamma") && !k.weights().containsKey("bn_axis3.beta"));
    KerasModel n = KerasModel.load(DIR.resolve("seq_mlp.keras"));
    assertTrue(n.weights().containsKey("norm.mean") && n.weights().containsKey("norm.variance") && !n.weights().containsKey("norm.count"));
    // Normalization's mean and variance from its config become its weights
    KerasModel t = KerasModel.load(DIR.resolve("func_two_inputs.keras"));
    assertEquals(0.5f, t.weights().get("vec_norm.mean").toFloats()[3]);
    assertEquals(2.0f, t.weights().get("vec_norm.variance").toFloats()[5]);
  }

  @Test
  void operationNodesGroupsRescalingListsNoiseShapeAndApplicationLayersMatchKeras() {
    // func_ops.keras (Keras 3.15.1): x + 3.0, * (1/6), 3.0 - x, / 4.0, - 1.0, ops.add/subtract/multiply, per-channel Rescaling,
    // Conv2D groups 8 (depthwise) and 2, LayerScale, CustomScaleLayer, Dropout noise_shape [null, 1, 1, 1]
    KerasModel k = KerasModel.load(DIR.resolve("func_ops.keras"));
    double err = scaledError(predict(k, "func_ops"), Npy.read(DIR.resolve("func_ops.y.npy")).toFloats());
    assertTrue(err <= 1e-4, "func_ops.keras: max |got - want| / max |want| = " + err);
    String spec = k.spec().replaceAll("\\s+", "");
    for (String f : new String[] {
        "{\"type\":\"Add\",\"name\":\"add\"", "{\"type\":\"Subtract\",\"name\":\"subtract_1\"",
        "{\"type\":\"Multiply\",\"name\":\"multiply_1\"",
        "\"name\":\"add_1\",\"scale\":1.0,\"offset\":3.0", "\"scale\":0.16666666666666666,\"offset\":0.0",
        "\"name\":\"subtract\",\"scale\":-1.0,\"offset\":3.0", "\"name\":\"true_divide\",\"scale\":0.25,\"offset\":0.0",
        "\"scale\":1.0,\"offset\":-1.0", "\"groups\":8", "\"groups\":2", "\"noise_shape\":[null,1,1,1]",
        "\"type\":\"LayerScale\"", "\"type\":\"CustomScaleLayer\"", "\"offset\":[0.1,-0.2,0.3,0.0,0.5,-0.5,1.0,0.25]"}) {
      assertTrue(spec.contains(f), f + " in " + spec);
    }
    assertEquals(List.of(3L, 3L, 1L, 8L), java.util.Arrays.stream(k.weights().get("dw_groups.kernel").shape()).boxed().toList());
    assertTrue(k.weights().containsKey("layer_scale.gamma"), k.weights().keySet().toString());
  }

  @Test
  void nestedModelsBecomeTheirLayersAndMatchKeras() {
    // nest_transfer: a functional base (with a Sequential block of its own) called with training=False; nest_seq_block: a
    // Sequential block in a functional model; nest_in_seq: a functional model in a Sequential one (gen_models.py, Keras 3.15.1)
    for (String name : List.of("nest_transfer", "nest_seq_block", "nest_in_seq")) {
      for (String ext : new String[] {".keras", ".h5"}) {
        KerasModel k = KerasModel.load(DIR.resolve(name + ext));
        double err = scaledError(predict(k, name), Npy.read(DIR.resolve(name + ".y.npy")).toFloats());
        assertTrue(err <= 1e-4, name + ext + ": max |got - want| / max |want| = " + err);
      }
    }
    KerasModel t = KerasModel.load(DIR.resolve("nest_transfer.keras"));
    assertEquals(List.of("layer \"base/conv\" -> \"base_conv\" (a nested model's layer whose name is taken)",
        "layer \"base/bn\" -> \"base_bn\" (a nested model's layer whose name is taken)",
        "layer \"base/head\" -> \"base_head\" (a nested model's layer whose name is taken)",
        "layer \"base/inner_block/conv\" -> \"inner_block_conv\" (a nested model's layer whose name is taken)"),
        t.renames().stream().map(Object::toString).sorted(java.util.Comparator.comparing(r -> r.contains("inner_block"))).toList());
    String spec = t.spec().replaceAll("\\s+", "");
    // training=False: the base's BatchNormalization layers are in inference mode (moving statistics when trained), still trainable
    for (String l : List.of("base_bn", "inner_bn", "bn", "base_conv", "inner_block_conv")) {
      boolean inference = l.endsWith("_bn");
      assertTrue(spec.matches(".*\"name\":\"" + l + "\"[^}]*\"trainable\":true.*"), l + " trainable: " + spec);
      assertEquals(inference, spec.matches(".*\"name\":\"" + l + "\"[^}]*\"inference_mode\":true.*"), l + " inference_mode " + inference + ": " + spec);
    }
    // the base's input is the outer bn, its output feeds the outer head
    assertTrue(spec.contains("\"name\":\"base_conv\"") && spec.matches(".*\"name\":\"base_conv\"[^}]*\"inbound\":\\[\"bn\"\\].*"), spec);
    assertTrue(spec.matches(".*\"name\":\"head\"[^}]*\"inbound\":\\[\"base_head\"\\].*"), spec);
    assertTrue(spec.matches(".*\"name\":\"res\"[^}]*\"inbound\":\\[\"relu\",\"activation\"\\].*"), spec);
    assertEquals(List.of("base_bn.gamma", "base_bn.moving_mean", "bn.gamma", "inner_bn.moving_variance", "inner_block_conv.bias"),
        List.of("base_bn.gamma", "base_bn.moving_mean", "bn.gamma", "inner_bn.moving_variance", "inner_block_conv.bias").stream()
            .filter(t.weights()::containsKey).toList());
    // .keras and .h5 address the nested weights differently: both give the same values
    KerasModel h = KerasModel.load(DIR.resolve("nest_transfer.h5"));
    for (String w : t.weights().keySet()) {
      assertTrue(java.util.Arrays.equals(t.weights().get(w).toFloats(), h.weights().get(w).toFloats()), w);
    }
    assertEquals(List.of("layer \"trunk/fc\" -> \"trunk_fc\" (a nested model's layer whose name is taken)"),
        KerasModel.load(DIR.resolve("nest_in_seq.h5")).renames().stream().map(Object::toString).toList());
    assertEquals(List.of(), KerasModel.load(DIR.resolve("nest_seq_block.keras")).renames());
  }

  @Test
  void aFrozenNestedModelFreezesItsLayersAndASharedOneSharesItsWeights() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String inner = "{'class_name': 'Functional', 'name': 'sub', 'config': {'name': 'sub', 'trainable': false,"
        + " 'input_layers': [['i', 0, 0]], 'output_layers': [['d', 0, 0]], 'layers': [{'class_name': 'InputLayer', 'name': 'i',"
        + " 'config': {'name': 'i', 'batch_shape': [null, 4]}}, {'class_name': 'Dense', 'name': 'd', 'config': {'name': 'd', 'units': 4},"
        + " 'inbound_nodes': [{'args': [" + tensor("i") + "], 'kwargs': {}}]}]}, 'inbound_nodes': [CALLS]}";
    String outer = "{'class_name': 'Functional', 'config': {'name': 'm', 'input_layers': [['x', 0, 0]], 'output_layers': [[OUT, 0, 0]],"
        + " 'layers': [{'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_shape': [null, 4]}}, INNER]}}";
    String once = outer.replace("INNER", inner.replace("CALLS", "{'args': [" + tensor("x") + "], 'kwargs': {}}")).replace("OUT", "'sub'");
    KerasGraph g = KerasGraph.convert(json.readTree(once.replace('\'', '"')), "once.json");
    String spec = g.spec.toString();
    assertTrue(spec.matches(".*\"name\":\"d\"[^}]*\"trainable\":false.*") && spec.contains("\"outputs\":[\"d\"]"), spec);
    String twice = outer.replace("INNER", inner.replace("CALLS", "{'args': [" + tensor("x") + "], 'kwargs': {}}, {'args': ["
        + tensor("sub") + "], 'kwargs': {}}")).replace("OUT", "'sub'");
    // called twice (here on its own output): the second call is a copy of its layers sharing their weights
    String shared = KerasGraph.convert(json.readTree(twice.replace('\'', '"')), "twice.json").spec.toString();
    assertTrue(shared.matches(".*\"name\":\"d_call2\"[^}]*\"shares\":\"d\"[^}]*\"inbound\":\\[\"d\"\\].*"), shared);
  }

  private static String tensor(String name) {
    return "{'class_name': '__keras_tensor__', 'config': {'keras_history': ['" + name + "', 0, 0]}}";
  }

  @Test
  void otherOperationNodesAreRefusedByName() throws Exception {
    String t = "{'class_name': '__keras_tensor__', 'config': {'keras_history': ['x', 0, 0]}}";
    String cfg = ("{'class_name': 'Functional', 'config': {'name': 'm', 'input_layers': [['x', 0, 0]], 'output_layers': [['q', 0, 0]],"
        + " 'layers': [{'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_shape': [null, 4]}},"
        + " {'module': 'keras.src.ops.numpy', 'class_name': 'Power', 'registered_name': 'Power', 'name': 'p', 'config': {'name': 'p'},"
        + "  'inbound_nodes': [{'args': [" + t + ", 2.0], 'kwargs': {}}]},"
        + " {'module': 'keras.src.ops.numpy', 'class_name': 'Divide', 'registered_name': 'Divide', 'name': 'q', 'config': {'name': 'q'},"
        + "  'inbound_nodes': [{'args': [" + t + ", " + t + "], 'kwargs': {}}]}]}}").replace('\'', '"');
    BadInputException e = assertThrows(BadInputException.class,
        () -> KerasGraph.convert(new com.fasterxml.jackson.databind.ObjectMapper().readTree(cfg), "ops.json"));
    String m = e.getMessage();
    assertTrue(m.contains("'p' Power: a Keras operation node (keras.src.ops.numpy), which tfgraph does not import"), m);
    assertTrue(m.contains("'q' Divide") && m.contains("divides two tensors"), m);
    assertTrue(!m.contains("\n"), "one line: " + m);
  }

  @Test
  void refusalsListEveryOffendingLayerInOneLine() {
    String many = refusal("refuse_many.keras");
    for (String f : new String[] {"'plus_one' Lambda: Python code is never run", "'renorm_bn' BatchNormalization: renorm true"}) {
      assertTrue(many.contains(f), many + " should name " + f);
    }
    assertTrue(!many.contains("'ln'"), "LayerNormalization imports now, it is not refused: " + many);
    assertTrue(!many.contains("'grouped'"), "Conv2D groups imports now, it is not refused: " + many);
    assertTrue(refusal("refuse_lambda.keras").contains("'double' Lambda"));
    assertTrue(refusal("refuse_lstm.keras").contains("'lstm' LSTM: recurrent layers are not supported"));
    assertTrue(refusal("refuse_two_outputs.keras").contains("2 outputs [head_a, head_b]"));
    // written when groups was refused: it imports now, its kernel [3, 3, 4/2, 4]
    KerasModel grouped = KerasModel.load(DIR.resolve("refuse_groups.keras"));
    assertTrue(grouped.spec().contains("\"groups\" : 2"), grouped.spec());
    assertEquals(List.of(3L, 3L, 2L, 4L), java.util.Arrays.stream(grouped.weights().get("grouped.kernel").shape()).boxed().toList());
  }

  private static String refusal(String file) {
    BadInputException e = assertThrows(BadInputException.class, () -> KerasModel.load(DIR.resolve(file)));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().contains("cannot import the model"), e.getMessage());
    return e.getMessage();
  }

  static float[] predict(KerasModel k, String name) {
    return predict(k, DIR, name);
  }

  /** The imported model's predictions on {@code dir/name.x.npy} (or one {@code name.x_<input>.npy} per input). */
  static float[] predict(KerasModel k, Path dir, String name) {
    try (ModelRuntime rt = ModelRuntime.inference(k.model())) {
      rt.setWeights(k.weights());
      List<float[]> xs = new ArrayList<>();
      int n = 0;
      for (InputSpec in : k.model().inputs()) {
        Path one = dir.resolve(name + ".x.npy");
        NpyArray x = Npy.read(Files.exists(one) ? one : dir.resolve(name + ".x_" + in.name() + ".npy"));
        xs.add(x.toFloats());
        n = (int) x.shape()[0];
      }
      return rt.predict(xs, n, 64);
    }
  }

  static double scaledError(float[] got, float[] want) {
    assertEquals(want.length, got.length);
    double max = 0, scale = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    return max / scale;
  }
}

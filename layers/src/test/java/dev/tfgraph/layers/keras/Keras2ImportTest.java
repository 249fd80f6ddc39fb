package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras 2 / tf.keras 2.x full-model .h5 files (testdata/keras/gen_keras2.py: written with h5py to tf.keras'
 * own layout, each read back by Keras 3's legacy loader; and a real tf.keras 2.4 file, a Teachable Machine
 * MobileNetV2 in nested models): imported, run in
 * process, equal to Keras' predict within 1e-4 of the output's scale; TFOpLambda, Lambda and
 * SlicingOpLambda and a constant call argument refused in one line.
 */
class Keras2ImportTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "keras2");
  static final List<String> MODELS = List.of("k2_seq_noinput", "k2_seq_input", "k2_func_cnn", "k2_two_inputs", "k2_nested", "k2_shared",
      "real/teachable_machine_tf24");

  @Test
  void everyKeras2FilePredictsWhatKerasPredicts() {
    for (String name : MODELS) {
      KerasModel k = KerasModel.load(DIR.resolve(name + ".h5"));
      double err = scaledError(predict(k, name), Npy.read(DIR.resolve(name + ".y.npy")).toFloats());
      assertTrue(err <= 1e-4, name + ".h5: max |got - want| / max |want| = " + err);
    }
  }

  /**
   * The real file's softmax is saturated on one class, so its logits are compared too: the same model with its last
   * Dense linear, against that Dense's pre-activation output in Keras.
   */
  @Test
  void theRealFilesLogitsMatchKeras() throws Exception {
    String name = "real/teachable_machine_tf24";
    KerasModel k = KerasModel.load(DIR.resolve(name + ".h5"));
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(k.spec());
    int changed = 0;
    for (var l : spec.get("layers")) {
      if (l.path("name").asText().equals("dense_Dense2") && l.path("activation").asText().equals("softmax")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) l).put("activation", "linear");
        changed++;
      }
    }
    assertEquals(1, changed, k.spec());
    KerasModel logits = new KerasModel(Model.fromConfig(json.writeValueAsString(spec)), k.weights(), k.renames());
    double err = scaledError(predict(logits, name), Npy.read(DIR.resolve(name + ".logits.npy")).toFloats());
    assertTrue(err <= 1e-4, name + " logits: max |got - want| / max |want| = " + err);
  }

  /** Keras before 2.2.3 (a Sequential's config the bare list of its layers); weight_names in chunks (a large nested model). */
  @Test
  void olderAndChunkedLayoutsReadTheSameModel() {
    for (String[] c : new String[][] {{"k2_seq_list", "k2_seq_noinput"}, {"k2_nested_chunked", "k2_nested"}}) {
      KerasModel k = KerasModel.load(DIR.resolve(c[0] + ".h5"));
      double err = scaledError(predict(k, c[1]), Npy.read(DIR.resolve(c[1] + ".y.npy")).toFloats());
      assertTrue(err <= 1e-4, c[0] + ".h5: max |got - want| / max |want| = " + err);
    }
  }

  @Test
  void aSwappedChannelIsCaught() {
    // the comparison above could pass on weights that do not matter: two swapped channels of a moving mean must show
    for (String[] c : new String[][] {{"k2_func_cnn", "batch_normalization.moving_mean"}, {"k2_nested", "block1_bn.moving_mean"},
        {"k2_seq_noinput", "batch_normalization_1.moving_mean"}}) {
      KerasModel k = KerasModel.load(DIR.resolve(c[0] + ".h5"));
      var w = new LinkedHashMap<>(k.weights());
      float[] v = w.get(c[1]).toFloats();
      float t = v[0];
      v[0] = v[1];
      v[1] = t;
      w.put(c[1], NpyArray.ofFloats(new long[] {v.length}, v));
      double err = scaledError(predict(new KerasModel(k.model(), w, k.renames()), c[0]), Npy.read(DIR.resolve(c[0] + ".y.npy")).toFloats());
      assertTrue(err > 1e-3, c[0] + ": two swapped channels of " + c[1] + " change the output: " + err);
    }
  }

  @Test
  void weightsAreNamedLayerDotWeight() {
    KerasModel cnn = KerasModel.load(DIR.resolve("k2_func_cnn.h5"));
    assertTrue(cnn.weights().keySet().containsAll(List.of("conv2d.kernel", "batch_normalization.gamma", "batch_normalization.beta",
        "batch_normalization.moving_mean", "batch_normalization.moving_variance", "depthwise_conv2d.kernel", "depthwise_conv2d.bias",
        "separable_conv2d.depthwise_kernel", "separable_conv2d.pointwise_kernel",
        "separable_conv2d.bias", "dense.kernel", "dense.bias")), cnn.weights().keySet().toString());
    assertTrue(cnn.weights().keySet().stream().noneMatch(n -> n.contains(":") || n.contains("/")), cnn.weights().keySet().toString());
    KerasModel seq = KerasModel.load(DIR.resolve("k2_seq_input.h5"));
    assertTrue(seq.weights().containsKey("normalization.mean") && seq.weights().containsKey("normalization.variance")
        && !seq.weights().containsKey("normalization.count"), seq.weights().keySet().toString());
    KerasModel nested = KerasModel.load(DIR.resolve("k2_nested.h5"));
    assertEquals(new java.util.TreeSet<>(List.of("block1_conv.kernel", "block1_bn.gamma", "block1_bn.beta", "block1_bn.moving_mean",
        "block1_bn.moving_variance", "head_dense.kernel", "head_dense.bias", "head_bn.gamma", "head_bn.beta", "head_bn.moving_mean",
        "head_bn.moving_variance", "logits.kernel", "logits.bias")), new java.util.TreeSet<>(nested.weights().keySet()));
  }

  @Test
  void nestedAndSharedLayersKeepKeras2sMeaning() {
    KerasModel nested = KerasModel.load(DIR.resolve("k2_nested.h5"));
    String spec = nested.spec().replaceAll("\\s+", "");
    // base(x, training=False): its BatchNormalization stays in inference mode when trained (still trainable); the head's does not
    assertTrue(spec.matches(".*\"name\":\"block1_bn\"[^}]*\"inference_mode\":true,\"trainable\":true.*"), spec);
    assertFalse(spec.matches(".*\"name\":\"head_bn\"[^}]*\"inference_mode\".*"), spec);
    assertTrue(spec.matches(".*\"name\":\"head_dense\"[^}]*\"inbound\":\\[\"avg_pool\"\\].*"), spec);
    KerasModel shared = KerasModel.load(DIR.resolve("k2_shared.h5"));
    assertEquals("encoder", shared.model().shares("encoder_call2"));
    assertEquals(shared.model().config(), Model.fromConfig(shared.spec()).config(), "the spec round-trips");
    // Keras 2's built BatchNormalization writes its axis as a list, [3]: the spec has the axis
    String cnn = KerasModel.load(DIR.resolve("k2_func_cnn.h5")).spec().replaceAll("\\s+", "");
    assertTrue(cnn.matches(".*\"name\":\"batch_normalization\"[^}]*\"axis\":\\[?3[^0-9].*"), cnn);
  }

  @Test
  void tfOpLambdaLambdaAndSlicingAreRefusedInOneLine() {
    BadInputException e = assertThrows(BadInputException.class, () -> KerasModel.load(DIR.resolve("k2_refuse.h5")));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(m.contains("cannot import the model"), m);
    for (String f : new String[] {"'tf.math.multiply' TFOpLambda", "'lambda' Lambda: Python code is never run",
        "'tf.__operators__.getitem' SlicingOpLambda", "'concatenate': called on a constant [[1.0,2.0]]"}) {
      assertTrue(m.contains(f), m + " should name " + f);
    }
    assertFalse(m.contains("'dense'") || m.contains("'dense_1'"), "the Dense layers import: " + m);
  }

  static float[] predict(KerasModel k, String name) {
    return KerasImportTest.predict(k, DIR, name);
  }

  static double scaledError(float[] got, float[] want) {
    return KerasImportTest.scaledError(got, want);
  }
}

package dev.tfgraph.layers.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.keras.transfer.KerasBackbone;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Keras file's model cut at a named layer under the improved bilinear head (testdata/keras/gen_models.py fixtures). */
class KerasBackboneTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "models");

  private static List<String> names(Model m) {
    return m.layers().stream().map(Layer::name).toList();
  }

  /** A branch joining the cut layer (func_mobile's squeeze-and-excitation) is kept; what follows the cut is not. */
  @Test
  void aCutKeepsTheLayerAndEveryAncestorInOrder() {
    KerasModel k = KerasModel.load(DIR.resolve("func_mobile.keras"));
    Model b = KerasBackbone.cut(k.model(), k.renames(), "se_mul", "cut_at");
    assertEquals(List.of("stem", "stem_bn", "stem_relu", "dw", "dw_relu", "dw_dilated", "se_pool", "se_gate", "se_mul"), names(b));
    assertEquals("se_mul", b.outputLayer().name());
    assertArrayEquals(new long[] {-1, 6, 6, 16}, b.outputShape().asArray());
    assertTrue(b.layers().stream().allMatch(Layer::trainable), "a cut keeps the trainable flags");
    assertTrue(KerasBackbone.frozen(b).layers().stream().noneMatch(Layer::trainable));
  }

  @Test
  void theHeadFollowsTheBackboneAndTheFileWeightsOnlyItsLayers() {
    KerasModel k = KerasModel.load(DIR.resolve("func_shared.keras"));   // its own last layer is a Dense "head" [8, 2]
    KerasModel ib = KerasBackbone.ibKeras(k, "enc_conv", "eigh", 5, true, 7);
    assertEquals(KerasBackbone.MODEL_NAME, ib.model().name());
    assertEquals(List.of("enc_conv", "bilinear", "sqrt", "signed_sqrt", "flatten", "l2", "head"), names(ib.model()));
    assertFalse(ib.model().layer("enc_conv").trainable());
    assertTrue(ib.model().layer("head").trainable());
    assertArrayEquals(new long[] {9, 5}, ib.weights().get("head.kernel").shape(), "the file's head.kernel was cut away");
    assertArrayEquals(k.weights().get("enc_conv.kernel").toFloats(), ib.weights().get("enc_conv.kernel").toFloats());
  }

  /** A renamed Keras layer is found by its Keras name; a head name the backbone has is prefixed. */
  @Test
  void kerasNamesAndTakenHeadNames() {
    KerasModel k = KerasModel.load(DIR.resolve("func_residual.keras"));   // Keras "res.add" is tfgraph's "res_add"
    assertEquals("res_add", KerasBackbone.cut(k.model(), k.renames(), "res.add", "cut_at").outputLayer().name());
    Model b = Model.builder("b", "x", 6, 6, 2).add(new Conv2D("sqrt", 3, 3, "same", "relu")).build();
    Model ib = KerasBackbone.bilinear(b, "svd", 2);
    assertEquals(List.of("sqrt", "bilinear", "ib_sqrt", "signed_sqrt", "flatten", "l2", "head"), names(ib));
    Map<String, NpyArray> w = KerasBackbone.weights(ib, b, Map.of("sqrt.kernel", NpyArray.ofFloats(new long[] {3, 3, 2, 3}, new float[54]),
        "sqrt.bias", NpyArray.ofFloats(new long[] {3}, new float[] {1, 2, 3})), 0);
    assertArrayEquals(new float[] {1, 2, 3}, w.get("sqrt.bias").toFloats());
    assertTrue(w.containsKey("head.kernel"));
  }

  @Test
  void refusals() {
    KerasModel k = KerasModel.load(DIR.resolve("seq_cnn.keras"));
    String unknown = assertThrows(BadInputException.class, () -> KerasBackbone.cut(k.model(), k.renames(), "dilatd", "cut_at")).getMessage();
    assertTrue(unknown.startsWith("cut_at: no layer named dilatd in seq_cnn; the nearest names: dilated,") && unknown.endsWith("(of 13 layers)"),
        unknown);
    String rank = assertThrows(BadInputException.class, () -> KerasBackbone.cut(k.model(), k.renames(), "flatten", "cut_at")).getMessage();
    assertTrue(rank.contains("cut_at flatten: its output [None, 45] has rank 2; expected a feature map"), rank);
    String input = assertThrows(BadInputException.class, () -> KerasBackbone.cut(k.model(), k.renames(), "pixels", "cut_at")).getMessage();
    assertTrue(input.contains("cut_at pixels is an input of seq_cnn"), input);
    KerasModel siamese = KerasModel.load(DIR.resolve("func_shared.keras"));
    String shared = assertThrows(BadInputException.class,
        () -> KerasBackbone.cut(siamese.model(), siamese.renames(), "enc_conv_call2", "cut_at")).getMessage();
    assertTrue(shared.contains("cut_at enc_conv_call2: it depends on enc_conv_call2, a later call of the shared layer enc_conv"), shared);
  }
}

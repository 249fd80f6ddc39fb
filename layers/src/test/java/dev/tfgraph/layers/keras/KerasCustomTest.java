package dev.tfgraph.layers.keras;

import static dev.tfgraph.layers.keras.KerasImportTest.DIR;
import static dev.tfgraph.layers.keras.KerasImportTest.predict;
import static dev.tfgraph.layers.keras.KerasImportTest.scaledError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.io.Npy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Registered custom Keras layers and Keras' augmentation layers, in files written by real Keras
 * (testdata/keras/gen_custom.py): {@code tfgraph>TYPE} imports as tfgraph's TYPE, a user's registered name
 * without a plugin mapping it is refused by name, random augmentation is the identity at inference.
 */
class KerasCustomTest {
  @Test
  void tfgraphRegisteredNamesImportAsTheirTypesAndMatchKeras() {
    KerasModel k = KerasModel.load(DIR.resolve("custom_tfgraph.keras"));
    assertEquals("SoftExponential", k.model().layer("soft_exp").type());
    assertEquals("SignedSqrt", k.model().layer("signed_sqrt").type());
    assertEquals(List.of(5L), java.util.Arrays.stream(k.weights().get("soft_exp.alpha").shape()).boxed().toList());
    double err = scaledError(predict(k, "custom_tfgraph"), Npy.read(DIR.resolve("custom_tfgraph.y.npy")).toFloats());
    assertTrue(err <= 1e-4, "max |got - want| / max |want| = " + err);
    // the alpha values matter: one of the wrong sign moves the output past the tolerance
    Map<String, dev.tfgraph.graph.io.NpyArray> w = new LinkedHashMap<>(k.weights());
    float[] a = w.get("soft_exp.alpha").toFloats();
    a[0] = -a[0];
    w.put("soft_exp.alpha", dev.tfgraph.graph.io.NpyArray.ofFloats(new long[] {5}, a));
    double wrong = scaledError(predict(new KerasModel(k.model(), w, k.renames()), "custom_tfgraph"),
        Npy.read(DIR.resolve("custom_tfgraph.y.npy")).toFloats());
    assertTrue(wrong > 1e-3, "a flipped alpha changes the output: " + wrong);
  }

  @Test
  void aUsersRegisteredNameWithoutAPluginIsRefusedByName() {
    BadInputException e = assertThrows(BadInputException.class, () -> KerasModel.load(DIR.resolve("custom_user.keras")));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("'swish' MyPkg>Swish: a custom Keras class (its Python code is never run) that no tfgraph layer maps"
        + " (register one through LayerFactory.kerasNames())"), e.getMessage());
  }

  @Test
  void augmentationLayersAreTheIdentityAndSpatialDropoutDropsChannels() {
    KerasModel k = KerasModel.load(DIR.resolve("augment.keras"));
    assertEquals("RandomFlip", k.model().layer("flip").type());   // tfgraph has it: the identity at inference, mirrors in training
    assertEquals("horizontal_and_vertical", k.model().layer("flip").config().get("mode"));
    for (String name : new String[] {"rotate", "zoom", "contrast", "noise"}) {
      Layer l = k.model().layer(name);
      assertEquals("Activation", l.type(), name);
      assertEquals("linear", l.config().get("activation"), name);
    }
    Layer d = k.model().layer("spatial_dropout");
    assertEquals("Dropout", d.type());
    assertEquals(java.util.Arrays.asList(null, 1, 1, null), d.config().get("noise_shape"));
    double err = scaledError(predict(k, "augment"), Npy.read(DIR.resolve("augment.y.npy")).toFloats());
    assertTrue(err <= 1e-4, "max |got - want| / max |want| = " + err);
  }

  /** The siamese pattern: a base model called on two inputs imports once, its second call as copies sharing its weights. */
  @Test
  void aSharedBaseModelImportsOnceAndItsSecondCallSharesItsWeights() {
    KerasModel k = KerasModel.load(DIR.resolve("siamese.keras"));
    for (String l : List.of("b_conv", "b_bn", "b_embed")) {
      assertEquals(l, k.model().shares(l + "_call2"), l + "_call2 shares " + l);
    }
    assertTrue(k.weights().containsKey("b_conv.kernel") && !k.weights().containsKey("b_conv_call2.kernel"), k.weights().keySet().toString());
    assertTrue(k.renames().stream().anyMatch(r -> r.tfgraph().equals("b_conv_call2")), k.renames().toString());
    double err = scaledError(predict(k, "siamese"), Npy.read(DIR.resolve("siamese.y.npy")).toFloats());
    assertTrue(err <= 1e-4, "max |got - want| / max |want| = " + err);
  }
}

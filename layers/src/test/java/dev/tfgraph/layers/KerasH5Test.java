package dev.tfgraph.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.layers.h5.KerasH5;
import dev.tfgraph.layers.models.Models;
import dev.tfgraph.layers.models.ResNet50;
import dev.tfgraph.layers.preprocessing.ImagePreprocessing;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Keras VGG16 importer on small files in Keras' layouts (testdata/keras/gen_vgg_h5.py). */
class KerasH5Test {
  static final Path DIR = Path.of("..", "testdata", "keras");

  static Model small() {
    return Models.ibVgg16(32, 16, "eigh", 10, true);
  }

  /** Keras 2 by layer name; Keras 3 (newer releases) by the name attribute of layers/conv2d_k/vars; a base saved inside another model. */
  @Test
  void mapsEveryVgg16WeightNameInBothLayouts() {
    Map<String, NpyArray> want = Npz.read(DIR.resolve("vgg16_div16_expected.npz"));
    assertEquals(26, want.size());
    for (String f : new String[] {"vgg16_div16_keras2.h5", "vgg16_div16_keras3.weights.h5", "vgg16_div16_keras3_nested.weights.h5"}) {
      Map<String, NpyArray> got = KerasH5.read(DIR.resolve(f), small(), Models.VGG16_CONVS);
      assertEquals(want.keySet(), got.keySet(), f);
      for (String k : want.keySet()) assertArrayEquals(want.get(k).toFloats(), got.get(k).toFloats(), f + " " + k);
    }
  }

  @Test
  void rejectsMissingAndMisshapedWeightsNamingThem() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> KerasH5.read(DIR.resolve("vgg16_div16_missing.h5"), small(), Models.VGG16_CONVS));
    assertTrue(e.getMessage().contains("block3_conv2"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> KerasH5.read(DIR.resolve("vgg16_div16_misshaped.h5"), small(), Models.VGG16_CONVS));
    assertTrue(e.getMessage().contains("block5_conv3.bias") && e.getMessage().contains("[31]") && e.getMessage().contains("[32]"), e.getMessage());
    // newer Keras 3 releases name each layer in its vars group: a layer the file does not name is missing
    Model resnet = Models.ibResNet50(64, 32, 16, "eigh", 10, true);
    e = assertThrows(BadInputException.class,
        () -> KerasH5.read(DIR.resolve("vgg16_div16_keras3.weights.h5"), resnet, ResNet50.WEIGHTED));
    assertTrue(e.getMessage().contains("missing weights of layer \"conv1_conv\""), e.getMessage());
    e = assertThrows(BadInputException.class, () -> KerasH5.read(DIR.resolve("vgg16_div16_expected.npz"), small(), Models.VGG16_CONVS));
    assertTrue(e.getMessage().contains("HDF5"), e.getMessage());
  }

  /** Imported, frozen backbone: a training step moves the head and leaves every conv weight bit-identical. */
  @Test
  void importedBackboneStaysFrozenThroughTraining() {
    Model m = small();
    Map<String, NpyArray> w;
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      w = new LinkedHashMap<>(g.initialValues(0));
    }
    Map<String, NpyArray> backbone = KerasH5.read(DIR.resolve("vgg16_div16_keras2.h5"), m, Models.VGG16_CONVS);
    w.putAll(backbone);
    TrainResult r = oneStep(m, w, 32, 4);
    for (String k : backbone.keySet()) assertArrayEquals(backbone.get(k).toFloats(), r.weights().get(k).toFloats(), k);
    assertTrue(!java.util.Arrays.equals(w.get("head.kernel").toFloats(), r.weights().get("head.kernel").toFloats()));
  }

  /** The real size: VGG16 base at 224×224×3, C = 512 bilinear head, one step on two synthetic images. */
  @Test
  void fullSizeIbVgg16TrainsOneStep() {
    Model m = Models.create("ib-vgg16", Models.Options.defaults());
    assertEquals(14_714_688, m.weights().stream().filter(s -> s.layer().startsWith("block")).mapToLong(s -> s.shape().size()).sum(),
        "VGG16's convolutional base has 14,714,688 parameters");
    try (ModelRuntime g = ModelRuntime.inference(m)) {
      TrainResult r = oneStep(m, g.initialValues(0), 224, 2);
      assertTrue(Double.isFinite(r.trainLoss()));
    }
  }

  static TrainResult oneStep(Model m, Map<String, NpyArray> w, int size, int n) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = new float[n * size * size * 3];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
    Dataset d = new Dataset(x, new int[n], new long[] {size, size, 3});
    TrainOptions.Builder o = TrainOptions.builder();
    o.batchSize(n);
    o.progress(false);
    try (Trainer t = new Trainer(m, o.build())) {
      return t.fit(d, null, null, w);
    }
  }

  /** Keras' VGG16 weights expect caffe preprocessing: the model must apply it to its [0, 1] RGB input. */
  @Test
  void ibVgg16PreprocessesLikeKeras() throws Exception {
    var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(small().config()).get("layers").get(0);
    assertEquals("ImagePreprocessing", first.get("type").asText());
    assertEquals("caffe", first.get("mode").asText());
  }
}

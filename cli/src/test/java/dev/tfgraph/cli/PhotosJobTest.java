package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.cli.MainTest.Run;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.layers.models.Models;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed 002 job of the README, at small size: a folder of photos in class folders, ib-vgg16
 * with Keras backbone weights (VGG16's real widths, random values, written here in Keras 3's
 * .weights.h5 layout with jHDF), 32x32 inputs, export with serving_images, predict --images on the
 * JPEG and PNG files with labels printed by name.
 */
class PhotosJobTest {
  static final int[] WIDTHS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};

  /** VGG16's 13 convolutions, He-scaled random kernels and zero biases, as Keras 3 saves them: by class
   * and rank, not by name (layers/conv2d/vars/0, 1, then conv2d_1, ... conv2d_12). */
  static Map<String, float[][][][]> writeVgg16(Path file) {
    Map<String, float[][][][]> kernels = new java.util.LinkedHashMap<>();
    SplittableRandom r = new SplittableRandom(2);
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      WritableGroup layers = h5.putGroup("layers");
      int cin = 3;
      for (int i = 0; i < WIDTHS.length; i++) {
        int cout = WIDTHS[i];
        float[][][][] k = new float[3][3][cin][cout];
        double scale = Math.sqrt(2.0 / (9 * cin));
        for (float[][][] a : k) for (float[][] b : a) for (float[] c : b) for (int j = 0; j < cout; j++) c[j] = (float) (r.nextGaussian() * scale);
        WritableGroup vars = layers.putGroup(i == 0 ? "conv2d" : "conv2d_" + i).putGroup("vars");
        vars.putDataset("0", k);
        vars.putDataset("1", new float[cout]);
        kernels.put(Models.VGG16_CONVS.get(i), k);
        cin = cout;
      }
    }
    return kernels;
  }

  @Test
  void photosToIbVgg16ToServingImagesToLabelledPredictions(@TempDir Path d) throws Exception {
    Path h5 = d.resolve("vgg16_notop.weights.h5");
    Map<String, float[][][][]> kernels = writeVgg16(h5);
    Path photos = ImagesTest.I.resolve("photos"), base = d.resolve("model"), w = d.resolve("w.npz");
    Run t = MainTest.run("train", "--model", "ib-vgg16", "--image-size", "32", "--classes", "2", "--data", photos.toString(),
        "--backbone-weights", h5.toString(), "--epochs", "3", "--batch-size", "10", "--learning-rate", "0.01", "--quiet",
        "--save-weights", w.toString(), "--export", base.toString(), "--image-input");
    assertEquals(0, t.code(), t.err());
    JsonNode s = ImagesTest.lastJson(t);
    assertEquals(20, s.get("examples").asInt());
    assertTrue(Double.isFinite(s.get("test_loss").asDouble()), t.out());
    // the backbone came from the file and stayed frozen
    Map<String, NpyArray> trained = Npz.read(w);
    float[][][][] k = kernels.get("block3_conv2");
    float[] flat = new float[3 * 3 * 256 * 256];
    int at = 0;
    for (float[][][] a : k) for (float[][] b : a) for (float[] c : b) for (float v : c) flat[at++] = v;
    assertArrayEquals(flat, trained.get("block3_conv2.kernel").toFloats());
    // served from encoded bytes, labels by name, one line per file
    Run p = MainTest.run("predict", "--model", base.toString(), "--images", photos.resolve("test").toString(), "--output",
        d.resolve("y.npy").toString());
    assertEquals(0, p.code(), p.err());
    String[] lines = p.out().strip().split("\n");
    assertEquals(8, lines.length, p.out());
    for (String line : lines) assertTrue(line.contains("cat") || line.contains("dog"), line);
  }
}

package dev.tfgraph.layers;

import dev.tfgraph.layers.preprocessing.ImagePreprocessing;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("image_preprocessing_caffe");
    LayerHarness.checkForward32("image_preprocessing_torch");
    LayerHarness.checkForward32("image_preprocessing_tf");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("image_preprocessing_caffe", false);
    LayerHarness.checkGradients64("image_preprocessing_torch", false);
    LayerHarness.checkGradients64("image_preprocessing_tf", false);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'caffe'}", 4, 4, 3);
    Configs.roundTrip("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'tf'}", 4, 4, 1);
    Configs.specRoundTrip("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'torch'}", 4, 4, 3);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'ImagePreprocessing', 'name': 'p'}", "ImagePreprocessing 'p'", "mode", "required");
    Configs.rejects("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'keras'}", "ImagePreprocessing 'p'", "mode",
        "one of [caffe, torch, tf]", "\"keras\"");
    Configs.rejects("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'caffe'}", new long[] {4, 4, 1}, "ImagePreprocessing 'p'",
        "\"caffe\"", "3 channels", "[None, 4, 4, 1]");
    Configs.rejects("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'torch'}", new long[] {4}, "3 channels", "[None, 4]");
    Configs.rejects("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'tf'}", new long[] {}, "rank >= 2", "[None]");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    Configs.refusesSpec("{'type': 'ImagePreprocessing', 'name': 'p', 'mode': 'tf'}", new long[] {2147483647L, 2147483647L, 3},
        "model 'm'", "input x", "2^28");
  }

  @Test
  void passesLayerCheck() {
    for (String mode : ImagePreprocessing.MODES) LayerCheck.of(new ImagePreprocessing("p", mode), 2, 3, 3).check();
  }
}

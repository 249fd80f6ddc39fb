package dev.tfgraph.layers.keras;

import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.layers.keras.export.KerasExport;
import dev.tfgraph.layers.models.Models;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The models of testdata/keras/out/: tfgraph models written as .keras files by {@link KerasExport} and checked
 * by real Keras (check_export.py), with their seeded weights and inputs. Regenerate the files with
 * {@code KerasExportTest.regenerate} (see check_export.py's header).
 */
final class KerasExportFixtures {
  static final Path DIR = Path.of("..", "testdata", "keras", "out");

  private KerasExportFixtures() {}

  /** Every fixture model, by file name. */
  static Map<String, Model> models() {
    Map<String, Model> m = new LinkedHashMap<>();
    m.put("cnn_bn", Model.fromConfig("""
        {"format_version": 1, "name": "cnn_bn", "input": {"name": "x", "shape": [null, 12, 12, 1], "dtype": "float32"},
         "labels": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
         "layers": [
          {"type": "Conv2D", "name": "c1", "filters": 4, "kernel_size": 3, "padding": "same"},
          {"type": "BatchNormalization", "name": "bn1"},
          {"type": "Activation", "name": "relu1", "activation": "relu"},
          {"type": "MaxPooling2D", "name": "pool", "pool_size": 2},
          {"type": "Dropout", "name": "drop1", "rate": 0.25},
          {"type": "Conv2D", "name": "c2", "filters": 6, "kernel_size": 3, "activation": "relu"},
          {"type": "BatchNormalization", "name": "bn2", "inference_mode": true, "momentum": 0.9},
          {"type": "Flatten", "name": "flatten"},
          {"type": "Dropout", "name": "drop2", "rate": 0.5},
          {"type": "Dense", "name": "head", "units": 10, "activation": "softmax"}]}"""));
    m.put("two_inputs", Model.fromConfig("""
        {"format_version": 2, "name": "two_inputs",
         "inputs": [{"name": "x", "shape": [null, 6], "dtype": "float32"}, {"name": "side", "shape": [null, 4], "dtype": "float32"}],
         "layers": [
          {"type": "Dense", "name": "a", "units": 5, "activation": "relu", "inbound": ["x"]},
          {"type": "Dense", "name": "b", "units": 5, "activation": "tanh", "inbound": ["side"]},
          {"type": "Concatenate", "name": "cat", "inbound": ["a", "b"]},
          {"type": "Add", "name": "res", "inbound": ["a", "b"]},
          {"type": "Concatenate", "name": "cat2", "inbound": ["cat", "res"]},
          {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}],
         "outputs": ["head"]}"""));
    m.put("shared", Model.fromConfig("""
        {"format_version": 2, "name": "shared",
         "inputs": [{"name": "x", "shape": [null, 6], "dtype": "float32"}, {"name": "y", "shape": [null, 6], "dtype": "float32"}],
         "layers": [
          {"type": "Dense", "name": "enc", "units": 4, "activation": "tanh", "inbound": ["x"]},
          {"type": "Dense", "name": "enc_call2", "units": 4, "activation": "tanh", "inbound": ["y"], "shares": "enc"},
          {"type": "Subtract", "name": "diff", "inbound": ["enc", "enc_call2"]},
          {"type": "BatchNormalization", "name": "bn", "inference_mode": true},
          {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}],
         "outputs": ["head"]}"""));
    // ib-cnn's layers at a width (12 channels on 7 x 7 positions) whose bilinear matrices have full rank: MatrixSqrt of a
    // rank-deficient matrix in float32 (the built-in's 64 channels) differs between two implementations by ~1e-3 of scale
    m.put("ib_cnn", Model.fromConfig("""
        {"format_version": 1, "name": "ib-cnn-small", "input": {"name": "x", "shape": [null, 28, 28, 1], "dtype": "float32"},
         "labels": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
         "layers": [
          {"type": "Conv2D", "name": "conv1", "filters": 8, "kernel_size": 3, "padding": "same"},
          {"type": "BatchNormalization", "name": "bn1", "momentum": 0.9},
          {"type": "Activation", "name": "relu1", "activation": "relu"},
          {"type": "MaxPooling2D", "name": "pool1", "pool_size": 2},
          {"type": "Conv2D", "name": "conv2", "filters": 12, "kernel_size": 3, "padding": "same"},
          {"type": "BatchNormalization", "name": "bn2", "momentum": 0.9},
          {"type": "Activation", "name": "relu2", "activation": "relu"},
          {"type": "MaxPooling2D", "name": "pool2", "pool_size": 2},
          {"type": "Conv2D", "name": "conv3", "filters": 12, "kernel_size": 3, "padding": "same"},
          {"type": "BatchNormalization", "name": "bn3", "momentum": 0.9},
          {"type": "Activation", "name": "relu3", "activation": "relu"},
          {"type": "BilinearPooling", "name": "bilinear"},
          {"type": "MatrixSqrt", "name": "sqrt", "method": "svd"},
          {"type": "SignedSqrt", "name": "signed_sqrt"},
          {"type": "Flatten", "name": "flatten"},
          {"type": "L2Normalize", "name": "l2"},
          {"type": "Dense", "name": "head", "units": 10, "activation": "softmax"}]}"""));
    m.put("taylor_cnn", Model.fromConfig("""
        {"format_version": 1, "name": "taylor_cnn", "input": {"name": "x", "shape": [null, 12, 12, 1], "dtype": "float32"},
         "layers": [
          {"type": "Conv2D", "name": "conv1", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
          {"type": "MaxPooling2D", "name": "pool", "pool_size": 2},
          {"type": "Flatten", "name": "flatten"},
          {"type": "Dense", "name": "fc1", "units": 16, "activation": "relu"},
          {"type": "Dropout", "name": "drop", "rate": 0.5},
          {"type": "TaylorExpansion", "name": "taylor", "order": 3},
          {"type": "Activation", "name": "taylor_relu", "activation": "relu"},
          {"type": "Dense", "name": "head", "units": 10, "activation": "softmax"}]}"""));
    m.put("softexp", Model.fromConfig("""
        {"format_version": 1, "name": "softexp", "input": {"name": "x", "shape": [null, 8], "dtype": "float32"},
         "layers": [
          {"type": "Dense", "name": "fc", "units": 6},
          {"type": "SoftExponential", "name": "softexp", "doubled": true, "alpha_l2": 1e-4},
          {"type": "SoftExponential", "name": "softexp1"},
          {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}]}"""));
    m.put("prototype_net", Models.create("prototype-net", new Models.Options(3, 1, "svd")));
    m.put("zoo", Model.fromConfig("""
        {"format_version": 2, "name": "zoo", "inputs": [{"name": "img", "shape": [null, 10, 10, 3], "dtype": "float32"}],
         "layers": [
          {"type": "ImagePreprocessing", "name": "pre", "mode": "torch"},
          {"type": "Rescaling", "name": "rescale", "scale": 0.5, "offset": 0.1},
          {"type": "Normalization", "name": "norm"},
          {"type": "ZeroPadding2D", "name": "pad", "padding": 1},
          {"type": "DepthwiseConv2D", "name": "dw", "kernel_size": 3, "depth_multiplier": 2, "activation": "relu"},
          {"type": "SeparableConv2D", "name": "sep", "filters": 8, "kernel_size": 3, "padding": "same"},
          {"type": "LayerNormalization", "name": "ln"},
          {"type": "ReLU", "name": "relu", "max_value": 6.0},
          {"type": "Cropping2D", "name": "crop", "cropping": 1},
          {"type": "AveragePooling2D", "name": "avgpool", "pool_size": 2},
          {"type": "RandomFlip", "name": "flip", "mode": "horizontal"},
          {"type": "RandomCrop", "name": "rcrop", "height": 3, "width": 3},
          {"type": "LayerScale", "name": "ls", "init_values": 0.1, "projection_dim": 8},
          {"type": "CustomScaleLayer", "name": "cs", "scale": 0.5, "inbound": ["rcrop", "ls"]},
          {"type": "LeakyReLU", "name": "lrelu", "negative_slope": 0.2},
          {"type": "GlobalAveragePooling2D", "name": "gap", "inbound": ["lrelu"]},
          {"type": "GlobalMaxPooling2D", "name": "gmp", "inbound": ["lrelu"]},
          {"type": "Subtract", "name": "sub", "inbound": ["gap", "gmp"]},
          {"type": "Multiply", "name": "mul", "inbound": ["gap", "gmp"]},
          {"type": "Average", "name": "avg", "inbound": ["sub", "mul"]},
          {"type": "Maximum", "name": "max", "inbound": ["avg", "gap"]},
          {"type": "Reshape", "name": "reshape", "target_shape": [2, 4]},
          {"type": "Softmax", "name": "sm"},
          {"type": "Flatten", "name": "flat"},
          {"type": "SignedSqrt", "name": "ss"},
          {"type": "L2Normalize", "name": "l2"},
          {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}],
         "outputs": ["head"]}"""));
    return m;
  }

  /**
   * Seeded weights far from the initial ones, so that every weight matters: each initial value plus noise;
   * variances and scales (which must be positive) 0.5 plus a uniform draw, prototypes a uniform draw.
   */
  static Map<String, NpyArray> weights(Model model, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, NpyArray> out = new LinkedHashMap<>();
    for (var e : ModelRuntime.initialValues(model, seed).entrySet()) {
      float[] v = e.getValue().toFloats();
      String k = e.getKey();
      boolean positive = k.endsWith("variance") || k.endsWith(".scale");
      for (int i = 0; i < v.length; i++) {
        v[i] = positive ? (float) (0.5 + r.nextDouble())
            : k.endsWith(".prototypes") ? (float) r.nextDouble()
            : v[i] + (float) (0.2 * (r.nextDouble() - 0.5));
      }
      out.put(k, NpyArray.ofFloats(e.getValue().shape(), v));
    }
    return out;
  }

  /** Four seeded examples in [0, 1) per input. */
  static List<NpyArray> inputs(Model model, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<NpyArray> out = new ArrayList<>();
    for (InputSpec in : model.inputs()) {
      long[] shape = in.shape().asArray();
      shape[0] = 4;
      long n = 1;
      for (long d : shape) n *= d;
      float[] x = new float[(int) n];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
      out.add(NpyArray.ofFloats(shape, x));
    }
    return out;
  }
}

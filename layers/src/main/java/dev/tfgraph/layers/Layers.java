package dev.tfgraph.layers;

import dev.tfgraph.graph.LayerFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every layer type of the contract, by its spec "type" (registered as a {@link LayerFactory}). */
public final class Layers implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    Map<String, Parser> p = new LinkedHashMap<>();
    p.put("Dense", (c, n, t) -> new Dense(n, c.integer("units", null), c.string("activation", "linear"),
        c.bool("use_bias", true), t));
    p.put("Conv2D", (c, n, t) -> new Conv2D(n, c.integer("filters", null), c.pair("kernel_size", null),
        c.pair("strides", new int[] {1, 1}), c.string("padding", "valid"), c.string("activation", "linear"), t));
    p.put("MaxPooling2D", (c, n, t) -> {
      int[] pool = c.pair("pool_size", new int[] {2, 2});
      return new MaxPooling2D(n, pool, c.pair("strides", pool), c.string("padding", "valid"), t);
    });
    p.put("BatchNormalization", (c, n, t) -> new BatchNormalization(n, c.number("epsilon", 1e-3),
        c.number("momentum", 0.99), t));
    p.put("Flatten", (c, n, t) -> new Flatten(n, t));
    p.put("Dropout", (c, n, t) -> new Dropout(n, c.number("rate", null), t));
    p.put("Activation", (c, n, t) -> new Activation(n, c.string("activation", null), t));
    p.put("TaylorExpansion", (c, n, t) -> new TaylorExpansion(n, c.integer("order", null), t));
    p.put("PrototypeKernel", (c, n, t) -> new PrototypeKernel(n, c.integer("units", null),
        c.string("kernel", "gaussian"), c.string("selection", "per_class_random"), c.integer("seed", 0), t));
    p.put("BilinearPooling", (c, n, t) -> new BilinearPooling(n, c.number("epsilon", 1e-5), t));
    p.put("MatrixSqrt", (c, n, t) -> new MatrixSqrt(n, c.string("method", "svd"), c.integer("iterations", 5),
        c.number("min_eigenvalue", 1e-10), t));
    p.put("SignedSqrt", (c, n, t) -> new SignedSqrt(n, c.number("epsilon", 1e-8), t));
    p.put("L2Normalize", (c, n, t) -> new L2Normalize(n, c.number("epsilon", 1e-12), t));
    p.put("SoftExponential", (c, n, t) -> new SoftExponential(n, c.bool("doubled", false),
        c.numbers("alpha_init", null), c.number("alpha_l2", 0.0), t));
    p.put("ZeroPadding2D", (c, n, t) -> new ZeroPadding2D(n, c.pairOfPairs("padding", 1), t));
    p.put("AveragePooling2D", (c, n, t) -> {
      int[] pool = c.pair("pool_size", new int[] {2, 2});
      return new AveragePooling2D(n, pool, c.pair("strides", pool), c.string("padding", "valid"), t);
    });
    p.put("GlobalAveragePooling2D", (c, n, t) -> new GlobalAveragePooling2D(n, t));
    p.put("GlobalMaxPooling2D", (c, n, t) -> new GlobalMaxPooling2D(n, t));
    p.put("Reshape", (c, n, t) -> new Reshape(n, c.integers("target_shape", null), t));
    p.put("Rescaling", (c, n, t) -> new Rescaling(n, c.number("scale", 1.0), c.number("offset", 0.0), t));
    p.put("ImagePreprocessing", (c, n, t) -> new ImagePreprocessing(n, c.string("mode", null), t));
    return p;
  }
}

package dev.tfgraph.graph.model;

import java.util.Map;

/**
 * A layer whose non-trainable weights are computed from training data before the first step,
 * as Keras' preprocessing layers do with {@code adapt}.
 */
public interface Adaptable {
  /**
   * @param x the layer's input for n examples, row-major
   * @param y their class labels
   * @param numClasses the number of classes
   * @param n the number of examples
   * @return values for some of the layer's weights, by weight name (not key), row-major
   * @throws dev.tfgraph.graph.BadInputException if the data cannot give the weights (e.g. a class with too few examples)
   */
  Map<String, double[]> adapt(float[] x, int n, int[] y, int numClasses);
}

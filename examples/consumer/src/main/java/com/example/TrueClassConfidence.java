package com.example;

import dev.tfgraph.graph.Metric;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A user's own metric: the probability the model gives the true class (integer labels), its mean
 * over a set; registered as "true_class_confidence" in {@link SwishLayers}, so
 * `train --metrics accuracy,true_class_confidence` reports it. Both formulas, as tfgraph asks:
 * ops for training batches, Java for evaluation.
 */
public final class TrueClassConfidence implements Metric {
  @Override
  public String name() {
    return "true_class_confidence";
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean activated) {
    Operand<T> p = activated ? pred : tf.nn.softmax(pred);
    Operand<T> hot = tf.oneHot((Operand<TInt32>) target, tf.constant((int) pred.shape().get(1)), tf.constantOfSameType(pred, 1),
        tf.constantOfSameType(pred, 0));
    return tf.reduceSum(tf.math.mul(p, hot), tf.constant(1));
  }

  @Override
  public double perExample(float[] out, int off, int len, int label, float[] target, boolean probabilities) {
    if (probabilities) return out[off + label];
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int c = 0; c < len; c++) max = Math.max(max, out[off + c]);
    for (int c = 0; c < len; c++) sum += Math.exp(out[off + c] - max);
    return Math.exp(out[off + label] - max) / sum;
  }
}

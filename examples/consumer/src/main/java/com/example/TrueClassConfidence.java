package com.example;

import dev.tfgraph.graph.Metric;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A user's own metric: the probability the model gives the true class (integer labels), its mean
 * over a set; registered as "true_class_confidence" in {@link SwishLayers}, so
 * `train --metrics accuracy,true_class_confidence` reports it. Written once, as graph ops: training
 * averages them over a batch, evaluation sums them over batches.
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
}

package com.example;

import dev.tfgraph.graph.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A user's own loss: sparse focal loss (Lin et al. 2017), −(1 − p_y)^γ · log p_y with p = softmax(z),
 * γ = 2; registered as "sparse_focal" in {@link SwishLayers}, so `train --loss sparse_focal` finds it.
 */
public final class FocalLoss implements Loss {
  static final double GAMMA = 2;

  @Override public String name() { return "sparse_focal"; }
  @Override public boolean sparse() { return true; }
  @Override public String logitsOf() { return "softmax"; }
  @Override public boolean classification() { return true; }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits) {
    Operand<T> oneHot = tf.oneHot((Operand<TInt32>) target, tf.constant((int) pred.shape().get(1)),
        tf.constantOfSameType(pred, 1), tf.constantOfSameType(pred, 0));
    Operand<T> logp = tf.reduceSum(tf.math.mul(oneHot, tf.nn.logSoftmax(pred)), tf.constant(1));
    Operand<T> weight = tf.math.pow(tf.math.sub(tf.constantOfSameType(pred, 1), tf.math.exp(logp)), tf.constantOfSameType(pred, GAMMA));
    return tf.math.neg(tf.math.mul(weight, logp));
  }
}

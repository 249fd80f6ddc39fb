package dev.tfgraph.graph.loss;

import dev.tfgraph.graph.Loss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/** −log softmax(z)_y for an integer label y (Keras' SparseCategoricalCrossentropy); the outputs are logits unless they went through softmax. */
public final class SparseCategoricalCrossentropy implements Loss {
  @Override public String name() { return "sparse_categorical_crossentropy"; }
  @Override public boolean sparse() { return true; }
  @Override public String logitsOf() { return "softmax"; }
  @Override public boolean classification() { return true; }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends TNumber> Operand<T> perExample(Ops tf, Operand<T> pred, Operand<?> target, boolean logits) {
    Operand<TInt32> y = (Operand<TInt32>) target;
    Operand<T> oneHot = tf.oneHot(y, tf.constant((int) pred.shape().get(1)), tf.constantOfSameType(pred, 1), tf.constantOfSameType(pred, 0));
    return CategoricalCrossentropy.softmaxCrossEntropy(tf, pred, oneHot);
  }
}

package dev.tfgraph.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A layer of two or more inbound tensors (Keras' {@code _Merge}). By default the inbound shapes
 * broadcast as Keras 3's merge layers do: an inbound of lower rank gets axes of size 1 inserted
 * after the batch axis, then each non-batch axis, aligned from the last, is equal or 1 in every
 * inbound (the squeeze-and-excitation [b, h, w, C] · [b, 1, 1, C]); the output takes the larger
 * size. A merge of other shapes overrides {@link #computeBuild(List)}. Subclasses implement
 * {@link #call(Ops, List, CallContext)}, with {@link #aligned} giving inbound tensors of one rank.
 */
public abstract class MergeLayer extends Layer {
  /**
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param trainable whether its weights are trained
   * @throws BadInputException if the name is not valid
   */
  protected MergeLayer(String name, boolean trainable) {
    super(name, trainable);
  }

  @Override
  public int minInbound() {
    return 2;
  }

  @Override
  public int maxInbound() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected Shape computeBuild(List<Shape> inputs) {
    int rank = 0;
    for (Shape s : inputs) rank = Math.max(rank, s.numDimensions());
    long[] out = new long[rank];
    out[0] = inputs.get(0).get(0);
    for (int i = 0; i < inputs.size(); i++) {
      long[] s = lifted(inputs.get(i), rank);
      for (int d = 1; d < rank; d++) {
        long a = i == 0 ? s[d] : out[d], b = s[d];
        if (a == b || b == 1) {
          out[d] = a;
        } else if (a == 1) {
          out[d] = b;
        } else if (a < 0 || b < 0) {
          out[d] = -1;                       // unknown, as Keras: None
        } else {
          throw new BadInputException(where() + ": expected inbound tensors of equal shape, or shapes that broadcast (each "
              + "axis, aligned from the last, equal or 1), received " + Shapes.show(inputs.get(0)) + " (inbound 0) and "
              + Shapes.show(inputs.get(i)) + " (inbound " + i + ")");
        }
      }
    }
    return Shape.of(out);
  }

  /** The shape with rank − its rank axes of size 1 inserted after the batch axis (Keras 3's merge reshape). */
  private static long[] lifted(Shape s, int rank) {
    long[] out = new long[rank];
    int missing = rank - s.numDimensions();
    out[0] = s.get(0);
    for (int d = 1; d < rank; d++) out[d] = d <= missing ? 1 : s.get(d - missing);
    return out;
  }

  /**
   * The inbound tensors of lower rank than the largest, with axes of size 1 inserted after the batch
   * axis (ExpandDims at axis 1), so that TF's broadcasting pairs the axes as {@link #computeBuild}
   * did; the others as they are.
   * @param <T> the dtype (float32 or float64)
   * @param tf the ops of the graph being built
   * @param xs the inbound tensors, in inbound order
   * @return them, each of the largest rank
   */
  protected final <T extends TNumber> List<Operand<T>> aligned(Ops tf, List<Operand<T>> xs) {
    int rank = 0;
    for (Operand<T> x : xs) rank = Math.max(rank, x.shape().numDimensions());
    List<Operand<T>> out = new ArrayList<>(xs.size());
    for (Operand<T> x : xs) {
      Operand<T> y = x;
      for (int r = x.shape().numDimensions(); r < rank; r++) y = tf.expandDims(y, tf.constant(1));
      out.add(y);
    }
    return out;
  }

  /**
   * Whether every inbound has the same static shape (no broadcasting needed).
   * @param <T> the dtype
   * @param xs the inbound tensors
   * @return true if all have the first's static shape
   */
  protected static <T extends TNumber> boolean sameShapes(List<Operand<T>> xs) {
    for (Operand<T> x : xs) if (!x.shape().equals(xs.get(0).shape())) return false;
    return true;
  }

  @Override
  protected final Shape computeBuild(Shape input) {
    throw new IllegalStateException(where() + " takes " + arity());
  }

  @Override
  public final <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    throw new IllegalStateException(where() + " takes " + arity());
  }

  @Override
  public abstract <T extends TNumber> Operand<T> call(Ops tf, List<Operand<T>> inputs, CallContext ctx);
}

package dev.tfgraph.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * A layer of two or more inbound tensors (Keras' {@code _Merge}). By default every inbound must
 * have the same shape, which is the output's; a merge of other shapes overrides
 * {@link #computeBuild(List)}. Subclasses implement {@link #call(Ops, List, CallContext)}.
 */
public abstract class MergeLayer extends Layer {
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
    Shape first = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      if (!Shapes.compatible(first, inputs.get(i))) {
        throw new BadInputException(where() + ": expected inbound tensors of equal shape, received " + Shapes.show(first)
            + " (inbound 0) and " + Shapes.show(inputs.get(i)) + " (inbound " + i + ")");
      }
    }
    return first;
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

package dev.tfgraph.graph.optim;

import dev.tfgraph.graph.UpdateRule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

/** Plain gradient descent, v ← v − lr·g (ApplyGradientDescent). */
public final class Sgd implements UpdateRule {
  @Override
  public List<String> slots() {
    return List.of();
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Update prepare(Ops tf, Context c) {
    return (deps, v, slots, g) -> deps.train.applyGradientDescent((Variable) v, (Operand) c.learningRate(), (Operand) g);
  }
}

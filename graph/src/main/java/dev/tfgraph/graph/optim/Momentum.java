package dev.tfgraph.graph.optim;

import dev.tfgraph.graph.UpdateRule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;

/**
 * Momentum, a ← μ·a + g, v ← v − lr·a (ApplyMomentum); Nesterov: v ← v − lr·(g + μ·a), Keras'
 * SGD(nesterov=True) with the rate folded in. μ is the config's momentum.
 */
public final class Momentum implements UpdateRule {
  private final boolean nesterov;

  /** @param nesterov true for Nesterov momentum, false for classical momentum */
  public Momentum(boolean nesterov) {
    this.nesterov = nesterov;
  }

  @Override
  public List<String> slots() {
    return List.of("momentum");
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Update prepare(Ops tf, Context c) {
    Operand lr = c.learningRate();
    Operand mu = tf.constantOfSameType(lr, c.config().momentum());
    return (deps, v, slots, g) -> deps.train.applyMomentum((Variable) v, (Variable) slots.get(0), lr, (Operand) g, mu,
        ApplyMomentum.useNesterov(nesterov));
  }
}

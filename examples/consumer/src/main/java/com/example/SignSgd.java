package com.example;

import dev.tfgraph.graph.UpdateRule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

/**
 * signSGD (Bernstein et al., 2018): v ← v − lr·sign(g), a user's own optimizer. Registered as
 * "sign_sgd" by {@link SwishLayers}; {@code train --optimizer sign_sgd} and
 * {@code Optimizer.Config.of("sign_sgd", lr)} then take it. No slots.
 */
public final class SignSgd implements UpdateRule {
  @Override
  public List<String> slots() {
    return List.of();
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Update prepare(Ops tf, Context c) {
    return (deps, v, slots, g) -> deps.train.applyGradientDescent((Variable) v, (Operand) c.learningRate(), deps.math.sign((Operand) g));
  }
}

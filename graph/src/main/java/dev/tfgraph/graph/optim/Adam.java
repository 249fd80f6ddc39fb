package dev.tfgraph.graph.optim;

import dev.tfgraph.graph.UpdateRule;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

/**
 * Adam on ApplyAdam, with β1, β2, ε of the config and the β-powers β^t computed from the step
 * fed each run (no hidden power variables: a checkpoint of the slots resumes exactly). With a
 * weight decay (AdamW, Keras' decoupled decay) each weight first takes v ← v − lr·wd·v, from its
 * value before this step, then Adam's step.
 */
public final class Adam implements UpdateRule {
  @Override
  public List<String> slots() {
    return List.of("adam_m", "adam_v");
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Update prepare(Ops tf, Context c) {
    Operand t = c.t(), lr = c.learningRate();
    Operand beta1Power = tf.withName("beta1_power").math.pow(tf.constantOfSameType(t, c.config().beta1()), t);
    Operand beta2Power = tf.withName("beta2_power").math.pow(tf.constantOfSameType(t, c.config().beta2()), t);
    Operand b1 = tf.constantOfSameType(lr, c.config().beta1()), b2 = tf.constantOfSameType(lr, c.config().beta2());
    Operand eps = tf.constantOfSameType(lr, c.config().epsilon());
    double wd = c.config().weightDecay();
    return (deps, v, slots, g) -> {
      Ops adam = deps;
      if (wd > 0) {
        Operand decay = tf.math.mul(tf.math.mul(lr, tf.constantOfSameType(lr, wd)), deps.identity((Operand) v));
        adam = tf.withControlDependencies(List.of(deps.assignSub((Variable) v, decay)));
      }
      return adam.train.applyAdam((Variable) v, (Variable) slots.get(0), (Variable) slots.get(1), beta1Power, beta2Power, lr, b1, b2, eps,
          (Operand) g);
    };
  }
}

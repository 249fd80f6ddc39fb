package dev.tfgraph.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

/**
 * How an optimizer updates one weight from its gradient, as Keras' {@code Optimizer.update_step}:
 * the slots it keeps per weight (zero at the start, checkpointed with the weights, so a resumed
 * run continues exactly) and the op of one step, on TF's fused kernels where one exists. The
 * optimizer ({@code optim.Optimizer}) around it feeds the learning rate, clips, orders the updates after every
 * gradient and names the step. A user's rule is registered by name through
 * {@code LayerFactory.optimizers()} and chosen with {@code train --optimizer NAME}.
 */
public interface UpdateRule {
  /** The learning rate (fed each step: schedules), t = step + 1 (for bias corrections), the settings. */
  record Context(Operand<?> learningRate, Operand<?> t, Settings config) {}

  /** The optimizer's settings a rule may read (the optimizer's config implements it). */
  interface Settings {
    /**
     * The optimizer's name (a built-in kind or the registered name).
     * @return the name
     */
    String kind();

    /** @return the learning rate at step 0 (a schedule feeds the current one) */
    double learningRate();

    /** @return SGD's momentum, 0 for none */
    double momentum();

    /** @return Adam's β1, the first moment's decay */
    double beta1();

    /** @return Adam's β2, the second moment's decay */
    double beta2();

    /** @return the epsilon added to Adam's denominator */
    double epsilon();

    /** @return the decoupled weight decay (AdamW), 0 for none */
    double weightDecay();
  }

  /**
   * Slot suffixes, each a zero-initialised variable named {@code <weight>__<suffix>} of the weight's shape.
   * @return the suffixes, in the order apply receives the slots
   */
  List<String> slots();

  /**
   * Adds the ops all weights share (Adam's β-powers) once, and returns the update of one weight.
   * @param tf the ops of the training graph
   * @param c the learning rate, the step and the settings
   * @return the update of one weight
   */
  Update prepare(Ops tf, Context c);

  /** One weight's update op; {@code deps} runs it after every gradient. */
  @FunctionalInterface
  interface Update {
    /**
     * @param deps the ops, with control dependencies on every gradient
     * @param weight the weight's variable
     * @param slots its slots, in the order of {@link UpdateRule#slots()}
     * @param gradient the loss's gradient for the weight, of its shape and dtype (clipped, if asked)
     * @return the op that updates the weight and its slots
     */
    Op apply(Ops deps, Variable<?> weight, List<Variable<?>> slots, Operand<?> gradient);
  }
}

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
    /** The optimizer's name (a built-in kind or the registered name). */
    String kind();

    double learningRate();

    double momentum();

    double beta1();

    double beta2();

    double epsilon();

    double weightDecay();
  }

  /** Slot suffixes, each a zero-initialised variable named {@code <weight>__<suffix>} of the weight's shape. */
  List<String> slots();

  /** Adds the ops all weights share (Adam's β-powers) once, and returns the update of one weight. */
  Update prepare(Ops tf, Context c);

  /** One weight's update op; {@code deps} runs it after every gradient. */
  @FunctionalInterface
  interface Update {
    Op apply(Ops deps, Variable<?> weight, List<Variable<?>> slots, Operand<?> gradient);
  }
}

package dev.tfgraph.graph.optim;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.UpdateRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The training step's update: a learning-rate placeholder fed each step (so schedules work),
 * optional global-norm clipping, every update ordered after every gradient, and per weight the
 * {@link UpdateRule} of the config's kind: the built-ins SGD, momentum,
 * Nesterov momentum, Adam and AdamW on TF's fused kernels ({@code graph.optim}), or a rule a
 * {@link LayerFactory} registers. tensorflow-framework's optimizers bake the learning rate into a
 * constant and keep Adam's β-powers in hidden variables; here both come from the feeds, so a
 * checkpoint of the slot variables resumes exactly.
 */
public final class Optimizer {
  /** The built-in kinds. */
  public static final List<String> KINDS = List.of("sgd", "momentum", "nesterov", "adam", "adamw");
  /** Keras' AdamW default weight decay. */
  public static final double DEFAULT_WEIGHT_DECAY = 0.004;

  /**
   * The built-in rule of a kind, or null.
   * @param kind one of {@link #KINDS}
   * @return a new rule, or null for another kind
   */
  public static UpdateRule builtIn(String kind) {
    return switch (kind) {
      case "sgd" -> new dev.tfgraph.graph.optim.Sgd();
      case "momentum" -> new dev.tfgraph.graph.optim.Momentum(false);
      case "nesterov" -> new dev.tfgraph.graph.optim.Momentum(true);
      case "adam", "adamw" -> new dev.tfgraph.graph.optim.Adam();
      default -> null;
    };
  }

  /**
   * Optimizer settings; defaults as the contract says (adam, 1e-3, ε 1e-7). {@code kind} is a
   * built-in ({@link #KINDS}) or a registered optimizer's name; a rule reads the settings it uses.
   */
  public record Config(String kind, double learningRate, double momentum, double beta1, double beta2,
      double epsilon, double clipNorm, double weightDecay) implements UpdateRule.Settings {
    /**
     * @param kind a built-in kind or a registered optimizer's name
     * @param learningRate the learning rate at step 0, &gt; 0
     * @param momentum momentum's μ, in [0, 1]
     * @param beta1 Adam's β1
     * @param beta2 Adam's β2
     * @param epsilon Adam's ε
     * @param clipNorm the global gradient norm clipped to, 0 for none
     * @param weightDecay AdamW's decoupled weight decay, in [0, 1]
     * @throws BadInputException if the kind is not registered, a setting is out of range (learning_rate &gt;
     *     0, momentum and weight_decay in [0, 1], clip_norm &ge; 0), or weight_decay is set for a built-in kind
     *     other than adamw
     */
    public Config {
      // the built-ins are registered as plugins are (BuiltInOptimizers): one lookup for every kind
      if (kind == null || !LayerRegistry.optimizers().containsKey(kind)) {
        java.util.List<String> all = new ArrayList<>(LayerRegistry.optimizers().keySet());
        throw new BadInputException("optimizer: kind must be one of " + all + ", received " + (kind == null ? "null" : "\"" + kind + "\""));
      }
      Checks.positive("optimizer", "learning_rate", learningRate);
      Checks.inRange("optimizer", "momentum", momentum, 0, 1);
      Checks.nonNegative("optimizer", "clip_norm", clipNorm);
      Checks.inRange("optimizer", "weight_decay", weightDecay, 0, 1);
      if (weightDecay > 0 && KINDS.contains(kind) && !kind.equals("adamw")) {
        throw new BadInputException("optimizer: weight_decay is decoupled weight decay of adamw; received " + weightDecay + " with " + kind);
      }
    }

    /**
     * Settings with the kind's default weight decay (0.004 for adamw, 0 otherwise).
     * @param kind a built-in kind or a registered optimizer's name
     * @param learningRate the learning rate at step 0, &gt; 0
     * @param momentum momentum's μ, in [0, 1]
     * @param beta1 Adam's β1
     * @param beta2 Adam's β2
     * @param epsilon Adam's ε
     * @param clipNorm the global gradient norm clipped to, 0 for none
     * @throws BadInputException as the canonical constructor
     */
    public Config(String kind, double learningRate, double momentum, double beta1, double beta2, double epsilon, double clipNorm) {
      this(kind, learningRate, momentum, beta1, beta2, epsilon, clipNorm, kind.equals("adamw") ? DEFAULT_WEIGHT_DECAY : 0);
    }

    /**
     * Settings with Keras' defaults: momentum 0.9, β1 0.9, β2 0.999, ε 1e-7, no clipping.
     * @param kind a built-in kind or a registered optimizer's name
     * @param lr the learning rate at step 0, &gt; 0
     * @return the settings
     * @throws BadInputException if the kind is not registered or lr is not positive
     */
    public static Config of(String kind, double lr) {
      return new Config(kind, lr, 0.9, 0.9, 0.999, 1e-7, 0);
    }

    /**
     * The rule that updates each weight.
     * @return a new rule of the kind, from the registry
     */
    public UpdateRule rule() {
      return LayerRegistry.optimizers().get(kind).get();
    }
  }

  private final Config config;
  private final Placeholder<? extends TNumber> lr;
  private final Map<String, Variable<? extends TType>> slots = new LinkedHashMap<>();
  private final List<Op> slotInits = new ArrayList<>();
  private final Op update;

  /**
   * Adds the update of {@code vars} by {@code grads} (same order) to the graph.
   * @param tf the ops of the training graph
   * @param config the settings
   * @param type the model's dtype class (the learning rate is fed in it)
   * @param vars the trainable variables
   * @param grads their gradients, in the same order
   * @param after ops every update waits for besides the gradients (e.g. state updates)
   * @param stepSeed the [seed, step] int64 vector fed each step; its step gives Adam's t
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Optimizer(Ops tf, Config config, Class<? extends TNumber> type, List<Variable<? extends TType>> vars, List<Output<?>> grads, List<Op> after, Operand<TInt64> stepSeed) {
    this.config = config;
    this.lr = tf.withName("learning_rate").placeholder(type, Placeholder.shape(Shape.scalar()));
    // t = step + 1, from the step already fed in the [seed, step] vector: no extra feeds per step
    Operand t = tf.dtypes.cast(tf.math.add(tf.gather(stepSeed, tf.constant(1), tf.constant(0)), tf.constant(1L)), type);
    UpdateRule rule = config.rule();
    UpdateRule.Update step = rule.prepare(tf, new UpdateRule.Context(lr, t, config));
    List<Operand> g = new ArrayList<>();
    for (Output<?> o : grads) g.add((Operand) o);
    if (config.clipNorm() > 0) g = clip(tf, g);
    // Every update waits for every gradient: Identity of a VariableV2 aliases its buffer, so an
    // update that ran before another gradient op read the same weight would race with it.
    List<Op> waitFor = new ArrayList<>(after);
    for (Operand gr : g) waitFor.add(tf.identity(gr));
    Ops deps = tf.withControlDependencies(waitFor);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Variable v = vars.get(i);
      List<Variable<?>> own = new ArrayList<>();
      for (String suffix : rule.slots()) own.add(slot(tf, v.op().name() + "__" + suffix, v, type));
      ops.add(step.apply(deps, v, own, g.get(i)));
    }
    this.update = tf.withControlDependencies(ops).withName("train_step").noOp();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Variable slot(Ops tf, String name, Variable v, Class<? extends TNumber> type) {
    Variable s = tf.withName(name).variable(v.shape(), type);
    slotInits.add(tf.assign(s, tf.zeros(tf.constant(v.shape().asArray()), (Class) type)));
    slots.put(name, s);
    return s;
  }

  /** Global-norm clipping: g · clip / max(‖g‖, clip). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<Operand> clip(Ops tf, List<Operand> grads) {
    Operand sq = null;
    for (Operand gr : grads) {
      Operand s = tf.reduceSum(tf.math.square(gr), tf.constant(rangeOf(gr.shape().numDimensions())));
      sq = sq == null ? s : tf.math.add(sq, s);
    }
    Operand norm = tf.math.sqrt(sq);
    Operand c = tf.constantOfSameType(norm, config.clipNorm());
    Operand scale = tf.math.div(c, tf.math.maximum(norm, c));
    List<Operand> out = new ArrayList<>();
    for (Operand gr : grads) out.add(tf.math.mul(gr, scale));
    return out;
  }

  static int[] rangeOf(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }

  /** @return the settings */
  public Config config() { return config; }
  /** @return the op of one training step's update ("train_step") */
  public Op update() { return update; }
  /** @return the learning rate's placeholder, a scalar fed each step */
  public Placeholder<? extends TNumber> learningRate() { return lr; }
  /**
   * Slot variables by graph name (checkpointed with the weights).
   * @return the slots, in creation order
   */
  public Map<String, Variable<? extends TType>> slots() { return slots; }
  /** @return the ops that set every slot to zero */
  public List<Op> slotInits() { return slotInits; }
}

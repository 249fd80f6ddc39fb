package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.OpNames;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.Strategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * One model as a TF graph, and nothing that runs it: a VariableV2 per weight (the kind the
 * SavedModel exporter saves) with the placeholder and assign op that load it, an input placeholder
 * per model input, the inference output (dropout off, batch-norm on moving statistics) named
 * "output", and, for training, a step seed and the training forward passes a {@link Strategy} adds
 * ({@link #addTrainingPass}). A {@link ModelRuntime} opens a session on it and moves weights in
 * and out; the graph is closed with it.
 */
public final class ModelGraph implements AutoCloseable {
  /** The name of the inference output op, {@value}: the model's output shape (batch first) in its dtype. */
  public static final String OUTPUT = "output";

  /**
   * A training-mode forward pass: its output (the logits before the output layer's activation when
   * {@code logits}), its regularization term (or null), its state updates.
   */
  public record TrainingPass(Operand<? extends TNumber> output, boolean logits, Operand<? extends TNumber> regularization,
      List<Operation> updates) {}

  private final Model model;
  private final Class<? extends TNumber> type;
  // handles into the graph (replaced by relocate)
  private Graph graph;
  private Ops tf;
  private final List<Placeholder<? extends TNumber>> inputs = new ArrayList<>();
  private Operand<? extends TNumber> output;
  private final Map<String, Variable<? extends TType>> variables = new LinkedHashMap<>();
  private final Map<String, Placeholder<? extends TType>> assignValues = new LinkedHashMap<>();
  private final List<Operation> assigns = new ArrayList<>();
  private final List<Operand<? extends TNumber>> layerInputs = new ArrayList<>();
  private Placeholder<TInt64> stepSeed;   // null in an inference graph
  private final LayerPasses passes;

  private ModelGraph(Model model, boolean training) {
    this.model = model;
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.type = Tensors.dtype(model.dtype());
    for (InputSpec in : model.inputs()) inputs.add(tf.withName(OpNames.of(in.name())).placeholder(type, Placeholder.shape(in.shape())));
    for (WeightSpec w : model.weights()) {
      Variable<? extends TNumber> v = tf.withName(w.varName()).variable(w.shape(), type);
      Placeholder<? extends TNumber> value = tf.withName(w.varName() + "__value").placeholder(type,
          Placeholder.shape(w.shape()));
      assigns.add(assign(v, value).op());
      variables.put(w.key(), v);
      assignValues.put(w.key(), value);
    }
    this.passes = new LayerPasses(model, type, tf, training);
    CallContext inference = new CallContext(false, variables, null);
    this.output = tf.withName(OUTPUT).identity(passes.forward(tf, inputs, inference, false, layerInputs));
    if (training) stepSeed = tf.withName("step_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op assign(Variable v, Placeholder p) {
    return tf.assign(v, p);
  }

  /**
   * An inference-only graph (what is exported).
   *
   * @param model a built model
   * @return the graph; the caller closes it
   */
  public static ModelGraph inference(Model model) {
    return new ModelGraph(model, false);
  }

  /**
   * A training graph: the inference output and a step seed; training passes are added to it.
   *
   * @param model a built model
   * @return the graph; the caller closes it
   */
  public static ModelGraph training(Model model) {
    return new ModelGraph(model, true);
  }

  /**
   * Adds a training-mode forward pass on {@code xs} (one operand per model input) under
   * {@code scope}, with dropout and random layers drawing from {@code seed}. With an output layer
   * that ends in {@code logitsOf} (e.g. "softmax"; null: none), the pass ends in its logits so that
   * the loss can fuse the activation.
   *
   * @param scope the ops to add to, e.g. a replica's name scope and device
   * @param xs one batch operand per model input, [batch, ...] in the model's dtype
   * @param seed the step seed, int64 [2]
   * @param logitsOf the activation to stop before, or null
   * @return the pass: output, whether it is logits, regularization term, state updates
   */
  public TrainingPass addTrainingPass(Ops scope, List<? extends Operand<? extends TNumber>> xs, Operand<TInt64> seed,
      String logitsOf) {
    CallContext ctx = new CallContext(true, variables, seed);
    boolean logits = endsIn(logitsOf);
    Operand<? extends TNumber> out = passes.forward(scope, xs, ctx, logits, null);
    List<Operation> updates = new ArrayList<>();
    ctx.updates().forEach(u -> updates.add(u.op()));
    return new TrainingPass(out, logits, passes.regularization(scope, ctx), List.copyOf(updates));
  }

  /**
   * Adds another inference pass (training off, the same variables) on {@code xs} under
   * {@code scope}: e.g. the model on images decoded in the graph (the export's serving_images).
   *
   * @param scope the ops to add to
   * @param xs one operand per model input, [batch, ...] in the model's dtype
   * @return the output, of the model's output shape (batch first)
   */
  public Operand<? extends TNumber> addInferencePass(Ops scope, List<? extends Operand<? extends TNumber>> xs) {
    return addInferencePass(scope, xs, null).output();
  }

  /**
   * As {@link #addInferencePass(Ops, List)}, ending in the logits before the output layer's activation when it is
   * {@code logitsOf} (as a training pass does, so that a loss takes the same operands): evaluation's pass.
   *
   * @param scope the ops to add to
   * @param xs one operand per model input, [batch, ...] in the model's dtype
   * @param logitsOf the activation to stop before, or null
   * @return the pass, with no regularization term and no updates
   */
  public TrainingPass addInferencePass(Ops scope, List<? extends Operand<? extends TNumber>> xs, String logitsOf) {
    boolean logits = endsIn(logitsOf);
    return new TrainingPass(passes.forward(scope, xs, new CallContext(false, variables, null), logits, null), logits, null, List.of());
  }

  /**
   * Re-imports the graph after {@code rewrite} (device placement) into a new graph and points every
   * handle at it (names are kept); returns the old graph, which the caller closes once nothing runs
   * on it. Callers holding handles of their own re-resolve them with {@link #same}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Graph relocate(UnaryOperator<GraphDef> rewrite) {
    GraphDef def = rewrite.apply(graph.toGraphDef());
    Graph old = graph;
    Graph g = new Graph();
    try {
      g.importGraphDef(def);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
    this.graph = g;
    this.tf = Ops.create(g);
    passes.relocated(tf);
    inputs.replaceAll(p -> new Placeholder<>(op(p)));
    output = same(output);
    variables.replaceAll((k, v) -> new Variable<>(op(v)));
    assignValues.replaceAll((k, v) -> new Placeholder<>(op(v)));
    assigns.replaceAll(o -> g.operation(o.name()));
    layerInputs.replaceAll(this::same);
    if (stepSeed != null) stepSeed = new Placeholder<>(op(stepSeed));
    return old;
  }

  private org.tensorflow.Operation op(Operand<?> o) {
    return graph.operation(o.op().name());
  }

  /**
   * The operand of the same name and output index in the current graph.
   *
   * @param <T> the operand's type
   * @param o an operand of this graph, possibly of the graph before a relocation
   * @return the operand in the current graph
   * @throws IllegalStateException when the current graph has no op of that name
   */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> same(Operand<T> o) {
    Output<?> out = o.asOutput();
    org.tensorflow.Operation op = graph.operation(out.op().name());
    if (op == null) throw new IllegalStateException("no op " + out.op().name() + " in the relocated graph");
    return (Operand<T>) op.output(out.index());
  }

  /**
   * Whether the model's output layer ends in this activation (null: false).
   *
   * @param activation an activation name, e.g. "softmax", or null
   * @return true when the output layer applies it last
   */
  public boolean endsIn(String activation) {
    return passes.endsIn(activation);
  }

  /** {@return whether the model's output is a probability distribution (ends in softmax)} */
  public boolean endsInSoftmax() {
    return endsIn("softmax");
  }

  /** {@return the model this graph runs} */
  public Model model() { return model; }
  /** {@return the TF graph} Relocation replaces it; do not keep it across {@code relocate}. */
  public Graph graph() { return graph; }
  /** {@return the ops of the current graph} */
  public Ops tf() { return tf; }
  /** {@return the model's float type class, TFloat32 or TFloat64} */
  public Class<? extends TNumber> type() { return type; }
  /** {@return the first input's placeholder (the only one of a chain)}, [batch, ...] in the model's dtype */
  public Placeholder<? extends TNumber> input() { return inputs.get(0); }
  /** {@return every input's placeholder, in the model's input order} */
  public List<Placeholder<? extends TNumber>> inputs() { return Collections.unmodifiableList(inputs); }
  /** {@return the inference output, of the model's output shape (batch first) and dtype, named {@link #OUTPUT}} */
  public Operand<? extends TNumber> output() { return output; }
  /** {@return the step seed placeholder, int64 [2], or null in an inference graph} */
  public Placeholder<TInt64> stepSeed() { return stepSeed; }
  /** {@return every weight's variable by weight key, in the model's weight order} */
  public Map<String, Variable<? extends TType>> variables() { return Collections.unmodifiableMap(variables); }
  /** {@return the inference-mode (first) inbound tensor of each layer, in order} */
  public List<Operand<? extends TNumber>> layerInputs() { return Collections.unmodifiableList(layerInputs); }

  /** The placeholder that feeds weight {@code key}'s new value to its assign op ({@link #assigns}). */
  Placeholder<? extends TType> assignValue(String key) {
    return assignValues.get(key);
  }

  /** One assign op per weight, in the model's weight order: each sets its variable from {@link #assignValue}. */
  List<Operation> assigns() {
    return Collections.unmodifiableList(assigns);
  }

  /** Closes the graph (a {@link ModelRuntime} on it closes it for you). */
  @Override
  public void close() {
    graph.close();
  }
}

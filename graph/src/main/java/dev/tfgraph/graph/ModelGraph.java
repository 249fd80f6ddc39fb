package dev.tfgraph.graph;

import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * One model instantiated in one TF graph and session: a VariableV2 per weight (the kind the
 * SavedModel exporter saves), an input placeholder per model input, the inference output (dropout
 * off, batch-norm on moving statistics) named "output", and, for training, a step seed and the
 * training forward passes a {@link Strategy} adds ({@link #addTrainingPass}). Weights move in and
 * out as arrays keyed {@code <layer>.<weight>}, all or nothing.
 */
public final class ModelGraph implements AutoCloseable {
  public static final String OUTPUT = "output";

  /**
   * A training-mode forward pass: its output (the logits before the output layer's activation when
   * {@code logits}), its regularization term (or null), its state updates.
   */
  public record TrainingPass(Operand<? extends TNumber> output, boolean logits, Operand<? extends TNumber> regularization,
      List<Operation> updates) {}

  private final Model model;
  private final Class<? extends TNumber> type;
  private BiConsumer<Session, Graph> closer = ModelGraph::closeLocal;
  // handles into the graph the session runs (replaced by relocate)
  private Graph graph;
  private Ops tf;
  private Session session;
  private final List<Placeholder<? extends TNumber>> inputs = new ArrayList<>();
  private Operand<? extends TNumber> output;
  private final Map<String, Variable<? extends TType>> variables = new LinkedHashMap<>();
  private final Map<String, Placeholder<? extends TType>> assignValues = new LinkedHashMap<>();
  private final List<Operation> assigns = new ArrayList<>();
  private final List<Operand<? extends TNumber>> layerInputs = new ArrayList<>();
  private Placeholder<TInt64> stepSeed;   // null in an inference graph

  private ModelGraph(Model model, boolean training, ConfigProto config, boolean openSession) {
    this.model = model;
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.type = Tensors.dtype(model.dtype());
    for (InputSpec in : model.inputs()) inputs.add(tf.withName(in.name()).placeholder(type, Placeholder.shape(in.shape())));
    for (WeightSpec w : model.weights()) {
      Variable<? extends TNumber> v = tf.withName(w.varName()).variable(w.shape(), type);
      Placeholder<? extends TNumber> value = tf.withName(w.varName() + "__value").placeholder(type,
          Placeholder.shape(w.shape()));
      assigns.add(assign(v, value).op());
      variables.put(w.key(), v);
      assignValues.put(w.key(), value);
    }
    CallContext inference = new CallContext(false, variables, null);
    this.output = tf.withName(OUTPUT).identity(forward(tf, inputs, inference, false, true));
    if (training) stepSeed = tf.withName("step_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    if (openSession) open(config);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op assign(Variable v, Placeholder p) {
    return tf.assign(v, p);
  }

  /** An inference-only graph (what is exported). */
  public static ModelGraph inference(Model model) {
    return new ModelGraph(model, false, null, true);
  }

  /** A training graph (inference output and a step seed; training passes are added) with its session open. */
  public static ModelGraph training(Model model, ConfigProto config) {
    return new ModelGraph(model, true, config, true);
  }

  /** A training graph without a session yet: {@link #relocate} (or {@link #open}) opens it. */
  public static ModelGraph unopened(Model model) {
    return new ModelGraph(model, true, null, false);
  }

  /** Opens a session in this process. */
  public void open(ConfigProto config) {
    if (session != null) throw new IllegalStateException("the session is open already");
    session = config == null ? new Session(graph) : new Session(graph, config);
  }

  /**
   * Adds a training-mode forward pass on {@code xs} (one operand per model input) under
   * {@code scope}, with dropout and random layers drawing from {@code seed}. With an output layer
   * that ends in {@code logitsOf} (e.g. "softmax"; null: none), the pass ends in its logits so that
   * the loss can fuse the activation.
   */
  public TrainingPass addTrainingPass(Ops scope, List<? extends Operand<? extends TNumber>> xs, Operand<TInt64> seed,
      String logitsOf) {
    if (xs.size() != inputs.size()) {
      throw new IllegalArgumentException(xs.size() + " inputs given for a model of " + inputs.size());
    }
    CallContext ctx = new CallContext(true, variables, seed);
    boolean logits = endsIn(logitsOf);
    Operand<? extends TNumber> out = forward(scope, xs, ctx, logits, false);
    List<Operation> updates = new ArrayList<>();
    ctx.updates().forEach(u -> updates.add(u.op()));
    return new TrainingPass(out, logits, regularization(scope, ctx), List.copyOf(updates));
  }

  /**
   * Adds another inference pass (training off, the same variables) on {@code xs} under
   * {@code scope}: e.g. the model on images decoded in the graph (the export's serving_images).
   */
  public Operand<? extends TNumber> addInferencePass(Ops scope, List<? extends Operand<? extends TNumber>> xs) {
    if (xs.size() != inputs.size()) throw new IllegalArgumentException(xs.size() + " inputs given for a model of " + inputs.size());
    return forward(scope, xs, new CallContext(false, variables, null), false, false);
  }

  /**
   * Re-imports the graph after {@code rewrite} (device placement) into a new graph, opens the
   * session {@code open} gives for it, and points every handle at the new graph (names are kept).
   * Callers holding handles of their own re-resolve them with {@link #same} in {@code beforeOldCloses}.
   * {@code closer} closes the new session and graph (a remote session's close may need a bound).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void relocate(UnaryOperator<GraphDef> rewrite, Function<Graph, Session> open, Runnable beforeOldCloses,
      BiConsumer<Session, Graph> closer) {
    GraphDef def = rewrite.apply(graph.toGraphDef());
    Graph old = graph;
    Session oldSession = session;
    Graph g = new Graph();
    try {
      g.importGraphDef(def);
      this.graph = g;
      this.tf = Ops.create(g);
      inputs.replaceAll(p -> new Placeholder<>(op(p)));
      output = same(output);
      variables.replaceAll((k, v) -> new Variable<>(op(v)));
      assignValues.replaceAll((k, v) -> new Placeholder<>(op(v)));
      assigns.replaceAll(o -> g.operation(o.name()));
      layerInputs.replaceAll(this::same);
      if (stepSeed != null) stepSeed = new Placeholder<>(op(stepSeed));
      beforeOldCloses.run();
      this.session = open.apply(g);
      this.closer = closer;
    } catch (RuntimeException e) {
      g.close();
      this.graph = old;
      throw e;
    }
    if (oldSession != null) oldSession.close();
    old.close();
  }

  private org.tensorflow.Operation op(Operand<?> o) {
    return graph.operation(o.op().name());
  }

  /** The operand of the same name and output index in the current graph. */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> same(Operand<T> o) {
    Output<?> out = o.asOutput();
    org.tensorflow.Operation op = graph.operation(out.op().name());
    if (op == null) throw new IllegalStateException("no op " + out.op().name() + " in the relocated graph");
    return (Operand<T>) op.output(out.index());
  }

  /**
   * The forward pass over the layers in order, each on its inbound outputs. With {@code logits}
   * true, the output layer's activation is left out so that the loss can fuse it.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<? extends TNumber> forward(Ops tf, List<? extends Operand<? extends TNumber>> xs, CallContext ctx, boolean logits,
      boolean recordInputs) {
    Map<String, Operand> values = new LinkedHashMap<>();
    for (int i = 0; i < xs.size(); i++) values.put(model.inputs().get(i).name(), xs.get(i));
    Layer last = model.outputLayer();
    Operand h = null;
    for (Layer l : model.layers()) {
      Ops scoped = tf.withSubScope(l.name() + (ctx.training() ? "_train" : ""));
      List<Operand> in = new ArrayList<>();
      for (String n : model.inbound(l.name())) in.add(values.get(n));
      if (recordInputs) layerInputs.add(in.get(0));
      if (l == last && logits && l instanceof Activated a) {
        h = a.callLinear(scoped, in.get(0), ctx);
      } else {
        h = l.call(scoped, (List) in, ctx);
      }
      values.put(l.name(), h);
    }
    return h;
  }

  /** Whether the model's output layer ends in this activation (null: false). */
  public boolean endsIn(String activation) {
    return activation != null && model.outputLayer() instanceof Activated a && a.activation().equals(activation);
  }

  /** Whether the model's output is a probability distribution. */
  public boolean endsInSoftmax() {
    return endsIn("softmax");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<? extends TNumber> regularization(Ops scope, CallContext ctx) {
    Operand total = null;
    for (Layer l : model.layers()) {
      Operand r = l.regularization(scope.withSubScope(l.name() + "_reg"), ctx, (Class) type);
      if (r != null) total = total == null ? r : scope.math.add(total, r);
    }
    return total;
  }

  public Model model() { return model; }
  public Graph graph() { return graph; }
  public Ops tf() { return tf; }
  public Session session() { return session; }
  public Class<? extends TNumber> type() { return type; }
  /** The first input's placeholder (the only one of a chain). */
  public Placeholder<? extends TNumber> input() { return inputs.get(0); }
  /** Every input's placeholder, in the model's input order. */
  public List<Placeholder<? extends TNumber>> inputs() { return Collections.unmodifiableList(inputs); }
  public Operand<? extends TNumber> output() { return output; }
  public Placeholder<TInt64> stepSeed() { return stepSeed; }
  public Map<String, Variable<? extends TType>> variables() { return Collections.unmodifiableMap(variables); }
  /** The inference-mode (first) inbound tensor of each layer, in order. */
  public List<Operand<? extends TNumber>> layerInputs() { return Collections.unmodifiableList(layerInputs); }

  /** Fresh initial values from each weight's initializer, seeded per (seed, weight key). */
  public Map<String, NpyArray> initialValues(long seed) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    for (WeightSpec w : model.weights()) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + w.key().hashCode());
      out.put(w.key(), NpyArray.ofDoubles(w.shape().asArray(), w.init().values(w.shape().asArray(), rng)));
    }
    return out;
  }

  public void initialize(long seed) {
    setWeights(initialValues(seed));
  }

  /**
   * Loads every weight at once: a missing key, an unknown key or a wrong shape names the key,
   * the expected and the received shape, and nothing is loaded.
   */
  public void setWeights(Map<String, NpyArray> weights) {
    WeightCheck.check(model, weights, "weights");
    if (assigns.isEmpty()) return;   // a model without weights (Flatten, Activation): nothing to run
    Session.Runner r = session.runner();
    List<Tensor> feeds = new ArrayList<>();
    try {
      for (WeightSpec w : model.weights()) {
        NpyArray a = weights.get(w.key());
        Tensor t = a.kind() == NpyArray.Kind.FLOAT32 ? Tensors.of(type, w.shape(), a.toFloats())
            : Tensors.of(type, w.shape(), a.toDoubles());
        feeds.add(t);
        r.feed(assignValues.get(w.key()), t);
      }
      for (Operation a : assigns) r.addTarget(a);
      r.run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /** Every weight by its contract key, in the model's dtype. */
  public Map<String, NpyArray> weights() {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    List<WeightSpec> ws = model.weights();
    if (ws.isEmpty()) return out;
    Session.Runner r = session.runner();
    for (WeightSpec w : ws) r.fetch(variables.get(w.key()));
    try (Result res = r.run()) {
      for (int i = 0; i < ws.size(); i++) {
        WeightSpec w = ws.get(i);
        Tensor t = res.get(i);
        out.put(w.key(), model.dtype().equals("float64")
            ? NpyArray.ofDoubles(w.shape().asArray(), Tensors.toDoubles(t))
            : NpyArray.ofFloats(w.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  /** Inference on n examples of the only input (row-major), in batches; returns the outputs row-major. */
  public float[] predict(float[] x, int n, int batchSize) {
    return predict(List.of(x), n, batchSize);
  }

  /** Inference on n examples, one row-major array per model input (in its order), in batches. */
  public float[] predict(List<float[]> xs, int n, int batchSize) {
    if (xs.size() != inputs.size()) {
      throw new BadInputException("model '" + model.name() + "': " + xs.size() + " input arrays given, expected " + inputs.size());
    }
    List<BatchedRun.Feed> feeds = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) feeds.add(BatchedRun.Feed.of(inputs.get(i), model.inputs().get(i).shape(), xs.get(i)));
    return BatchedRun.run(session, type, feeds, n, batchSize, BatchedRun.endpoint(output)).toFloats();
  }

  @Override
  public void close() {
    closer.accept(session, graph);
  }

  private static void closeLocal(Session session, Graph graph) {
    if (session != null) session.close();
    graph.close();
  }
}

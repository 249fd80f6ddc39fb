package dev.tfgraph.graph;

import dev.tfgraph.graph.data.NpyArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * One model instantiated in one TF graph and session: a VariableV2 per weight (the kind the
 * SavedModel exporter saves), the input placeholder, the inference output (dropout off,
 * batch-norm on moving statistics) named "output", and, for training graphs, the training-mode
 * forward pass. Weights move in and out as arrays keyed {@code <layer>.<weight>}, all or nothing.
 */
public final class ModelGraph implements AutoCloseable {
  public static final String OUTPUT = "output";

  private final Model model;
  private final Graph graph;
  private final Ops tf;
  private final Session session;
  private final Class<? extends TNumber> type;
  private final Placeholder<? extends TNumber> input;
  private final Operand<? extends TNumber> output;
  private final Map<String, Variable<? extends TType>> variables = new LinkedHashMap<>();
  private final Map<String, Placeholder<? extends TType>> assignValues = new LinkedHashMap<>();
  private final List<Op> assigns = new ArrayList<>();
  private final List<Operand<? extends TNumber>> layerInputs = new ArrayList<>();
  // training-mode parts (null in an inference graph)
  private final Placeholder<TInt64> stepSeed;
  private final Operand<? extends TNumber> trainLogits;
  private final Operand<? extends TNumber> regularization;
  private final List<Op> updates;

  private ModelGraph(Model model, boolean training, ConfigProto config) {
    this.model = model;
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.type = Tensors.dtype(model.input().dtype());
    this.input = tf.withName(model.input().name()).placeholder(type,
        Placeholder.shape(model.input().shape()));
    for (WeightSpec w : model.weights()) {
      Variable<? extends TNumber> v = tf.withName(w.varName()).variable(w.shape(), type);
      Placeholder<? extends TNumber> value = tf.withName(w.varName() + "__value").placeholder(type,
          Placeholder.shape(w.shape()));
      assigns.add(assign(v, value));
      variables.put(w.key(), v);
      assignValues.put(w.key(), value);
    }
    CallContext inference = new CallContext(false, variables, null);
    this.output = tf.withName(OUTPUT).identity(forward(tf, input, inference, false));
    if (training) {
      stepSeed = tf.withName("step_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      CallContext ctx = new CallContext(true, variables, stepSeed);
      trainLogits = forward(tf, input, ctx, true);
      regularization = regularization(ctx);
      updates = ctx.updates();
    } else {
      stepSeed = null;
      trainLogits = null;
      regularization = null;
      updates = List.of();
    }
    this.session = config == null ? new Session(graph) : new Session(graph, config);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op assign(Variable v, Placeholder p) {
    return tf.assign(v, p);
  }

  /** An inference-only graph (what is exported). */
  public static ModelGraph inference(Model model) {
    return new ModelGraph(model, false, null);
  }

  /** A graph with the inference output and the training-mode forward pass. */
  public static ModelGraph training(Model model, ConfigProto config) {
    return new ModelGraph(model, true, config);
  }

  /**
   * The forward pass. With {@code logits} true and a last layer that ends in softmax, the
   * softmax is left out so the loss can fuse it.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<? extends TNumber> forward(Ops tf, Operand x, CallContext ctx, boolean logits) {
    Operand h = x;
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      Ops scoped = tf.withSubScope(l.name() + (ctx.training() ? "_train" : ""));
      boolean last = i == layers.size() - 1;
      if (!ctx.training()) layerInputs.add(h);
      if (last && logits && l instanceof Activated a && a.activation().equals("softmax")) {
        h = a.callLinear(scoped, h, ctx);
      } else {
        h = l.call(scoped, h, ctx);
      }
    }
    return h;
  }

  /** Whether the model's output is a probability distribution. */
  public boolean endsInSoftmax() {
    Layer last = model.layers().get(model.layers().size() - 1);
    return last instanceof Activated a && a.activation().equals("softmax");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<? extends TNumber> regularization(CallContext ctx) {
    Operand total = null;
    for (Layer l : model.layers()) {
      Operand r = l.regularization(tf.withSubScope(l.name() + "_reg"), ctx, (Class) type);
      if (r != null) total = total == null ? r : tf.math.add(total, r);
    }
    return total;
  }

  public Model model() { return model; }
  public Graph graph() { return graph; }
  public Ops tf() { return tf; }
  public Session session() { return session; }
  public Class<? extends TNumber> type() { return type; }
  public Placeholder<? extends TNumber> input() { return input; }
  public Operand<? extends TNumber> output() { return output; }
  public Placeholder<TInt64> stepSeed() { return stepSeed; }
  public Operand<? extends TNumber> trainLogits() { return trainLogits; }
  public Operand<? extends TNumber> regularizationLoss() { return regularization; }
  public List<Op> updates() { return updates; }
  public Map<String, Variable<? extends TType>> variables() { return variables; }
  /** The inference-mode input of each layer, in order. */
  public List<Operand<? extends TNumber>> layerInputs() { return layerInputs; }

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
      for (Op a : assigns) r.addTarget(a);
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
        out.put(w.key(), model.input().dtype().equals("float64")
            ? NpyArray.ofDoubles(w.shape().asArray(), Tensors.toDoubles(t))
            : NpyArray.ofFloats(w.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return out;
  }

  /** Inference on n examples (row-major), in batches; returns the outputs row-major. */
  public float[] predict(float[] x, int n, int batchSize) {
    long exampleSize = Shapes.exampleSize(model.input().shape());
    long outSize = Shapes.exampleSize(model.outputShape());
    float[] out = new float[Math.toIntExact(n * outSize)];
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      try (Tensor xt = Tensors.rows(type, model.input().shape(), x, from, b, exampleSize);
          Result res = session.runner().feed(input, xt).fetch(output).run()) {
        float[] y = Tensors.toFloats(res.get(0));
        System.arraycopy(y, 0, out, Math.toIntExact(from * outSize), y.length);
      }
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}

package dev.tfgraph.cli.bench;

import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.layers.bilinear.BilinearPooling;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.prototype.PrototypeKernel;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.layers.taylor.TaylorExpansion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-layers", mixinStandardHelpOptions = true,
    header = "Times each seed layer forward and backward against a Dense layer of the same widths.",
    description = {"Forward + backward time of each seed layer at the size it has in the built-in models (batch 128),",
        "with a Dense layer of the same input and output width as the baseline; JSON lines with ratios."})
public final class BenchLayersCommand implements Callable<Integer> {
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per training step, >= 1 (default ${DEFAULT-VALUE})") int batch = 128;
  @Option(names = "--repeats", converter = Ranges.Positive.class, description = "timed runs per layer, >= 1 (default ${DEFAULT-VALUE})") int repeats = 20;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  public record Case(String name, Layer layer, long[] in, Layer baseline) {}

  @Override
  public Integer call() {
    List<Case> cases = List.of(
        new Case("TaylorExpansion(3) on 512", new TaylorExpansion("t", 3), new long[] {512}, new Dense("d", 512, "linear")),
        new Case("PrototypeKernel(10) on 784", new PrototypeKernel("p", 10), new long[] {784}, new Dense("d", 10, "linear")),
        new Case("PrototypeKernel(100) on 784", new PrototypeKernel("p", 100), new long[] {784}, new Dense("d", 100, "linear")),
        new Case("SoftExponential(doubled) on 256", new SoftExponential("s", true), new long[] {256}, new Dense("d", 512, "linear")),
        new Case("BilinearPooling on 7x7x64", new BilinearPooling("b"), new long[] {7, 7, 64}, null));
    for (Case c : cases) {
      double ms = time(c.layer(), c.in());
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("layer", c.name());
      o.put("batch", batch);
      o.put("ms_forward_backward", Json.num(ms, 3));
      if (c.baseline() != null) {
        double base = time(c.baseline(), new long[] {Shapes.exampleSize(Shapes.batchOf(c.in()))});
        o.put("dense_same_width_ms", Json.num(base, 3));
        o.put("ratio_to_dense", Json.num(ms / base, 2));
      }
      System.out.println(Json.line(o));
    }
    return ExitCodes.OK;
  }

  /** Median over repeats of one run computing the gradients of Σy² with respect to x and every weight. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public double time(Layer layer, long[] in) {
    layer.build(Shapes.batchOf(in));
    SplittableRandom r = new SplittableRandom(1);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      long[] shape = new long[in.length + 1];
      shape[0] = batch;
      System.arraycopy(in, 0, shape, 1, in.length);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
      Map<String, Variable<? extends TType>> vars = new LinkedHashMap<>();
      List<Output<?>> wrt = new ArrayList<>(List.of(x.asOutput()));
      List<org.tensorflow.op.Op> inits = new ArrayList<>();
      for (WeightSpec w : layer.weights()) {
        Variable v = tf.variable(w.shape(), TFloat32.class);
        vars.put(w.key(), v);
        double[] init = w.init().values(w.shape().asArray(), r);
        inits.add(tf.assign(v, tf.constant(Shape.of(w.shape().asArray()), org.tensorflow.ndarray.buffer.DataBuffers.of(toFloats(init), true, false))));
        if (w.trainable()) wrt.add(v.asOutput());
      }
      Operand<TFloat32> y = layer.call(tf, x, new CallContext(true, vars, tf.constant(new long[] {1, 2})));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(y), tf.constant(range(y.shape().numDimensions())));
      Output<?>[] grads = g.addGradients(loss.asOutput(), wrt.toArray(new Output<?>[0]));
      if (!inits.isEmpty()) {
        var runner = s.runner();
        inits.forEach(runner::addTarget);
        runner.run().close();
      }
      float[] data = new float[(int) Shapes.exampleSize(Shapes.batchOf(shape))];
      for (int i = 0; i < data.length; i++) data[i] = (float) r.nextDouble();
      double[] times = new double[repeats];
      try (Tensor t = Tensors.of(TFloat32.class, Shape.of(shape), data)) {
        for (int i = -3; i < repeats; i++) {
          var runner = s.runner().feed(x, t);
          for (Output<?> o : grads) runner.fetch(o);
          long t0 = System.nanoTime();
          try (Result res = runner.run()) {
            if (i >= 0) times[i] = (System.nanoTime() - t0) / 1e6;
          }
        }
      }
      java.util.Arrays.sort(times);
      return times[repeats / 2];
    }
  }

  public static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  public static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }
}

package dev.tfgraph.cli.bench;

import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
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
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-sqrt", mixinStandardHelpOptions = true,
    header = "Times the matrix square root methods (svd, eigh, newton_schulz) forward and backward.",
    description = {"Times MatrixSqrt forward + backward (svd, eigh, newton_schulz) on rank-deficient",
        "bilinear-pooling matrices, float32; one JSON line per (method, batch, C), ratios against svd."})
public final class BenchSqrtCommand implements Callable<Integer> {
  @Option(names = "--sizes", split = ",", converter = Ranges.SqrtSize.class, description = "BATCHxC pairs, both >= 1 (default ${DEFAULT-VALUE})")
  List<String> sizes = List.of("32x64", "32x256", "32x512", "128x64");
  @Option(names = "--repeats", converter = Ranges.Positive.class, description = "timed runs per case, >= 1 (default ${DEFAULT-VALUE})") int repeats = 5;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    for (String size : sizes) {
      String[] p = size.split("x");
      int b = Integer.parseInt(p[0]), c = Integer.parseInt(p[1]);
      float[] a = bilinear(b, c, Math.max(4, c / 4), 7);
      Map<String, Double> ms = new LinkedHashMap<>();
      for (String method : MatrixSqrt.METHODS) ms.put(method, time(method, a, b, c, repeats));
      for (var e : ms.entrySet()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("method", e.getKey());
        o.put("batch", b);
        o.put("C", c);
        o.put("ms_forward_backward", Json.num(e.getValue(), 2));
        o.put("ratio_to_svd", Json.num(e.getValue() / ms.get("svd"), 3));
        System.out.println(Json.line(o));
      }
    }
    return ExitCodes.OK;
  }

  /** A = XᵀX/n + 1e-5·I for post-ReLU X of n positions (rank-deficient when n < C). */
  public static float[] bilinear(int b, int c, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[b * c * c];
    double[] x = new double[n * c];
    for (int e = 0; e < b; e++) {
      for (int i = 0; i < x.length; i++) x[i] = Math.max(0, r.nextGaussian());
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < c; j++) {
          double s = 0;
          for (int k = 0; k < n; k++) s += x[k * c + i] * x[k * c + j];
          out[e * c * c + i * c + j] = (float) (s / n + (i == j ? 1e-5 : 0));
        }
      }
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static double time(String method, float[] a, int b, int c, int repeats) {
    MatrixSqrt m = new MatrixSqrt("sqrt", method);
    m.build(Shapes.batchOf(c, c));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, c, c)));
      Operand<TFloat32> y = m.call(tf, x, new CallContext(true, Map.of(), null));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(y, y), tf.constant(new int[] {0, 1, 2}));
      Output<?> grad = g.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0];
      try (Tensor t = Tensors.of(TFloat32.class, Shape.of(b, c, c), a)) {
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i <= repeats; i++) {
          long t0 = System.nanoTime();
          try (Result r = s.runner().feed(x, t).fetch(grad).run()) {
            if (i >= 1) runs.add((System.nanoTime() - t0) / 1e6);   // first run warms up
          }
        }
        return runs.stream().sorted().toList().get(runs.size() / 2);
      }
    }
  }
}

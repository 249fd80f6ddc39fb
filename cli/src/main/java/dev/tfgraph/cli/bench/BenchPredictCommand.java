package dev.tfgraph.cli.bench;

import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-predict", mixinStandardHelpOptions = true,
    header = "Times an exported model's inference against a bare Session.run, per batch size.",
    description = {"Inference latency of an exported model: Predictor (checks, conversions, batching) against a bare",
        "SavedModelBundle Session.run with a prepared tensor, alternating; p50/p99 per batch size, JSON lines."})
public final class BenchPredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "the exported model: a version folder, or a base folder (its newest version)") Path model;
  @Option(names = "--batch-sizes", split = ",", converter = Ranges.Positive.class, description = "batch sizes to time, comma-separated, each >= 1 (default 1,128)") int[] batchSizes = {1, 128};
  @Option(names = "--iterations", converter = Ranges.Positive.class, description = "per side and batch size, >= 1 (default ${DEFAULT-VALUE})") int iterations = 500;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    try (Predictor p = Predictor.load(model)) {
      var sig = p.bundle().metaGraphDef().getSignatureDefMap().get("serving_default").getInputsMap();
      for (int b : batchSizes) {
        Map<String, NpyArray> in = new LinkedHashMap<>();   // uniform [0, 1) values for every input
        SplittableRandom r = new SplittableRandom(1);
        for (String name : p.inputNames()) {
          long[] shape = p.inputShape(name);
          shape[0] = b;
          float[] x = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
          for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
          in.put(name, NpyArray.ofFloats(shape, x));
        }
        double[] lib = new double[iterations], bare = new double[iterations];
        Session s = p.bundle().session();
        List<Tensor> feeds = new ArrayList<>();
        try {
          Session.Runner bareRunner = s.runner();
          for (var e : in.entrySet()) {
            Tensor t = TFloat32.tensorOf(Shape.of(e.getValue().shape()), org.tensorflow.ndarray.buffer.DataBuffers.of(e.getValue().toFloats(), true, false));
            feeds.add(t);
            bareRunner.feed(sig.get(e.getKey()).getName(), t);
          }
          bareRunner.fetch("output");
          for (int i = 0; i < 20; i++) p.predict(in, b);
          for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            p.predict(in, b);
            lib[i] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            try (Result res = bareRunner.run()) {
              Tensors.toFloats(res.get(0));
            }
            bare[i] = (System.nanoTime() - t0) / 1e6;
          }
        } finally {
          feeds.forEach(Tensor::close);
        }
        Arrays.sort(lib);
        Arrays.sort(bare);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("batch_size", b);
        o.put("predictor_p50_ms", Json.num(lib[iterations / 2], 4));
        o.put("predictor_p99_ms", Json.num(lib[(int) (iterations * 0.99)], 4));
        o.put("bare_p50_ms", Json.num(bare[iterations / 2], 4));
        o.put("bare_p99_ms", Json.num(bare[(int) (iterations * 0.99)], 4));
        o.put("ratio_p50", Json.num(lib[iterations / 2] / bare[iterations / 2], 3));
        o.put("predictor_examples_per_s", Json.num(b * 1000.0 / lib[iterations / 2], 1));
        System.out.println(Json.line(o));
      }
    }
    return ExitCodes.OK;
  }
}

package dev.tfgraph.cli;

import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.export.serving.SavedModelInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Shows signatures, inputs, outputs, dtypes, shapes, variables, labels and provenance (like saved_model_cli show).")
public final class InspectCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "the exported model: a version folder, or a base folder (its newest version)") Path model;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() throws Exception {
    try (Predictor p = ModelDir.open(model, trusted)) {
      StringBuilder sb = new StringBuilder();
      sb.append("SavedModel: ").append(p.dir()).append('\n');
      sb.append("tags: ").append(p.bundle().metaGraphDef().getMetaInfoDef().getTagsList()).append('\n');
      sb.append("inputs: ").append(p.inputNames()).append(" (the model's input order)\n");
      for (Map.Entry<String, SignatureDef> e : p.bundle().metaGraphDef().getSignatureDefMap().entrySet()) {
        sb.append("signature_def['").append(e.getKey()).append("'] method ").append(e.getValue().getMethodName()).append('\n');
        for (var in : e.getValue().getInputsMap().entrySet()) sb.append("  input  ").append(tensor(in.getKey(), in.getValue())).append('\n');
        for (var out : e.getValue().getOutputsMap().entrySet()) sb.append("  output ").append(tensor(out.getKey(), out.getValue())).append('\n');
      }
      sb.append("variables:\n");
      for (var v : SavedModelInfo.variables(p.bundle()).entrySet()) {
        sb.append("  ").append(v.getKey()).append(' ').append(java.util.Arrays.toString(v.getValue())).append('\n');
      }
      dev.tfgraph.export.serving.ExportRecord r = p.record();
      if (r != null) {
        sb.append("labels: ").append(r.labels().isEmpty() ? "null" : String.valueOf(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(r.labels()))).append('\n');
        sb.append("provenance: ").append(r.provenance().isMissingNode() ? "null" : r.provenance()).append('\n');
        sb.append("spec: ").append(r.spec()).append('\n');
      } else {
        sb.append("assets.extra/tfgraph.json: absent (not exported by tfgraph)\n");
      }
      System.out.print(sb);
    }
    return ExitCodes.OK;
  }

  static String tensor(String key, TensorInfo t) {
    StringBuilder s = new StringBuilder("[");
    var dims = t.getTensorShape().getDimList();
    for (int i = 0; i < dims.size(); i++) s.append(i > 0 ? ", " : "").append(dims.get(i).getSize());
    return key + ": dtype " + t.getDtype().name() + " shape " + s + "] name " + t.getName();
  }
}

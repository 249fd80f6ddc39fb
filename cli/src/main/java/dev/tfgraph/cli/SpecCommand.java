package dev.tfgraph.cli;

import dev.tfgraph.cli.options.InputShapeOption;
import dev.tfgraph.cli.options.ModelOptions;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "spec", mixinStandardHelpOptions = true,
    description = {"Prints a model's JSON spec (a built-in's, or a spec file normalised with every default written).",
        "With --keras, the spec (format 2) of a Keras model file; every name it changed is listed on stderr."})
public final class SpecCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin InputShapeOption inputShape;
  @Mixin ModelOptions model;
  @Option(names = "--keras", paramLabel = "FILE", description = "a Keras model file: .keras, or a full-model .h5 (model.save)") Path keras;
  @Option(names = "--summary", description = "print the Keras-like summary table instead") boolean summary;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    inputShape.requireKeras(keras != null);
    if (keras != null) {
      if (model.name != null || model.spec != null) throw new BadInputException("give exactly one of --model NAME, --spec FILE or --keras FILE");
      KerasModel k = KerasModel.load(keras, inputShape.shapes());
      for (KerasModel.Rename r : k.renames()) System.err.println("tfgraph: renamed " + r);
      String unscaled = k.unscaledImageInput();
      if (unscaled != null) {
        System.err.println("tfgraph: warning: " + keras + ": " + unscaled + ", which scales nothing: tfgraph feeds images as RGB in"
            + " [0, 1]; if the model expects other pixels (0-255, or keras.applications' caffe, torch or tf preprocessing),"
            + " export or train it with --preprocess raw255|caffe|torch|tf");
      }
      System.out.println(summary ? k.model().summary() : k.spec());
      return ExitCodes.OK;
    }
    Model m = model.model();
    System.out.println(summary ? m.summary() : m.config());
    return ExitCodes.OK;
  }
}

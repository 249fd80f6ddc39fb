package dev.tfgraph.cli;

import dev.tfgraph.graph.Model;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "spec", mixinStandardHelpOptions = true,
    description = "Prints a model's JSON spec (a built-in's, or a spec file normalised with every default written).")
public final class SpecCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Option(names = "--summary", description = "print the Keras-like summary table instead") boolean summary;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    Model m = model.model();
    System.out.println(summary ? m.summary() : m.config());
    return Main.OK;
  }
}

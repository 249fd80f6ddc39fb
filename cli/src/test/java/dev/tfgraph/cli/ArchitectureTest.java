package dev.tfgraph.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure, checked on the compiled classes of every module: no package cycle, the
 * dependencies pointing one way (the extension points at the bottom; model, runtime, train, dist
 * upwards; layers, export (its serving below its writing) and the command line on top), and no library class printing.
 */
class ArchitectureTest {
  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.tfgraph");

  @Test
  void noPackageCycles() {
    slices().matching("dev.tfgraph.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void dependenciesPointOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.tfgraph..")
        .layer("extension points").definedBy("dev.tfgraph.graph")
        .layer("io").definedBy("dev.tfgraph.graph.io..")
        .layer("model").definedBy("dev.tfgraph.graph.model..")
        .layer("runtime").definedBy("dev.tfgraph.graph.runtime..")
        .layer("data").definedBy("dev.tfgraph.graph.data..")
        .layer("kinds").definedBy("dev.tfgraph.graph.activation..", "dev.tfgraph.graph.loss..", "dev.tfgraph.graph.metric..", "dev.tfgraph.graph.optim..")
        .layer("callbacks").definedBy("dev.tfgraph.graph.callbacks..")
        .layer("train").definedBy("dev.tfgraph.graph.train..")
        .layer("dist").definedBy("dev.tfgraph.graph.dist..")
        .layer("layers").definedBy("dev.tfgraph.layers..")
        .layer("export serving").definedBy("dev.tfgraph.export.serving..")
        .layer("export").definedBy("dev.tfgraph.export")
        .layer("cli").definedBy("dev.tfgraph.cli..")
        .whereLayer("extension points").mayNotAccessAnyLayer()
        .whereLayer("io").mayOnlyAccessLayers("extension points")
        .whereLayer("model").mayOnlyAccessLayers("extension points", "io")
        .whereLayer("runtime").mayOnlyAccessLayers("extension points", "io", "model")
        .whereLayer("data").mayOnlyAccessLayers("extension points", "io")
        .whereLayer("kinds").mayOnlyAccessLayers("extension points")
        .whereLayer("callbacks").mayOnlyAccessLayers("extension points", "io", "model", "runtime")
        .whereLayer("train").mayOnlyAccessLayers("extension points", "io", "model", "runtime", "data", "kinds", "callbacks")
        .whereLayer("dist").mayOnlyAccessLayers("extension points", "io", "model", "runtime", "kinds", "callbacks", "train")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("export serving").mayOnlyBeAccessedByLayers("export", "cli")
        .whereLayer("export").mayOnlyBeAccessedByLayers("cli")
        .check(CLASSES);
  }

  /**
   * The Keras packages of tfgraph-layers: the file (opened as untrusted input) and the layer mapping at the bottom,
   * the importer ({@code KerasModel}) on them, the writer of {@code .keras} files and the transfer-learning helpers
   * (freezing, preprocessing, a Keras backbone) on top, neither using the other.
   */
  @Test
  void kerasPackagesPointOneWay() {
    layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.tfgraph.layers.keras..")
        .layer("file").definedBy("dev.tfgraph.layers.keras.file..")
        .layer("mapping").definedBy("dev.tfgraph.layers.keras.mapping..")
        .layer("import").definedBy("dev.tfgraph.layers.keras")
        .layer("export").definedBy("dev.tfgraph.layers.keras.export..")
        .layer("transfer").definedBy("dev.tfgraph.layers.keras.transfer..")
        .whereLayer("file").mayNotAccessAnyLayer()
        .whereLayer("mapping").mayOnlyAccessLayers("file")
        .whereLayer("import").mayOnlyAccessLayers("file", "mapping")
        .whereLayer("export").mayOnlyAccessLayers("file", "import")
        .whereLayer("transfer").mayOnlyAccessLayers("file", "import")
        .check(CLASSES);
  }

  /**
   * The classes of the library that write to stderr themselves, each by design; every other passes its messages
   * through the listeners or the JDK's System.Logger, which the user (and the command line) configures.
   * ProgressLogger is the progress listener: it draws on the terminal, and a run without it prints nothing.
   * VerifyMain is the main class of the export's child JVM: its one line on stderr is its protocol with the
   * parent, which reads it as the failure it reports. The list may only shrink: a new class that prints fails here.
   */
  static final java.util.Set<String> STILL_PRINTING = java.util.Set.of("dev.tfgraph.export.serving.VerifyMain",
      "dev.tfgraph.graph.callbacks.ProgressLogger");

  @Test
  void theLibraryDoesNotPrint() {
    noClasses().that().resideOutsideOfPackage("dev.tfgraph.cli..")
        .and(com.tngtech.archunit.base.DescribedPredicate.describe("not known to print yet",
            (com.tngtech.archunit.core.domain.JavaClass c) -> !STILL_PRINTING.contains(c.getName())))
        .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
        .check(CLASSES);
  }
}

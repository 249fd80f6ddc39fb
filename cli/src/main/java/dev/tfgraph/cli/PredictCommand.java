package dev.tfgraph.cli;

import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.NamedArrays;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Finite;
import dev.tfgraph.cli.output.PredictionLabels;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.ImageDecoding;
import dev.tfgraph.graph.data.ImageHeader;
import dev.tfgraph.graph.data.ImageFolder;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
    header = "Runs an exported model on .npy arrays or on image files and writes its outputs as .npy.",
    description = {"A model of several inputs takes --input NAME=FILE.npy once per input, or one .npz keyed by input names.",
        "--images PATH... takes image files or folders instead, decoded as train decodes an image folder (RGB, or gray",
        "for one channel; resized bilinearly to the input's size; scaled to [0, 1]), through serving_images when the",
        "model has it; with labels in the model, one JSON line per image on stdout: {\"file\", \"label\", \"score\"}."})
public final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "version folder or base folder (newest version)") Path model;
  @Option(names = "--input", paramLabel = "X.npy|NAME=X.npy|X.npz", description = "the input array; several inputs: NAME=FILE.npy once per input, or one .npz keyed by input names") List<String> inputs;
  @Option(names = "--images", arity = "1..*", paramLabel = "PATH",
      description = "image files (.jpg .jpeg .png .bmp .gif), or folders whose images (and those of their subfolders) are read in path order") List<Path> images;
  @Option(names = "--max-image-pixels", paramLabel = "N", converter = Ranges.PositiveLong.class,
      description = "--images: refuse an image whose header declares more pixels than this, before decoding it (default ${DEFAULT-VALUE}: a float32 RGB decode of 1 GiB)")
  long maxImagePixels = ImageHeader.DEFAULT_MAX_PIXELS;
  @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "where to write the outputs (.npy)") Path output;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per run of the model, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 256;
  @Option(names = "--check-finite", negatable = true, description = "fail (exit 3) on NaN or Inf outputs (default: off)") boolean checkFinite;
  @Option(names = "--trusted", description = "skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    boolean hasInputs = inputs != null && !inputs.isEmpty(), hasImages = images != null && !images.isEmpty();
    if (hasInputs == hasImages) throw new BadInputException("predict takes either --input or --images (one of them, not both)");
    if (hasImages) return images();
    OutputPaths.file("--output", output, model, NamedArrays.files(inputs).toArray(Path[]::new));
    Map<String, NpyArray> xs = NamedArrays.read("--input", inputs);
    try (Predictor p = ModelDir.open(model, trusted)) {
      NpyArray y = p.predict(NamedArrays.forInputs(xs, p.inputNames()), batchSize);
      write(p, y);
      System.out.println(output);
    }
    return ExitCodes.OK;
  }

  private void write(Predictor p, NpyArray y) {
    String nonFinite = Finite.describe(y, checkFinite ? "output of " + p.dir() : "the output");   // one scan, either way
    if (nonFinite != null && checkFinite) throw new RunFailedException(nonFinite);
    if (nonFinite != null) System.err.println("tfgraph: warning: " + nonFinite + "; written as computed (--check-finite fails instead)");
    String labelsProblem = PredictionLabels.mismatch(p, y);
    if (labelsProblem != null) System.err.println("tfgraph: warning: " + labelsProblem);
    try {
      Npy.write(output, y);
    } catch (IOException e) {
      throw new RunFailedException("cannot write " + output + ": " + dev.tfgraph.graph.io.IoErrors.describe(output, e), e);
    }
  }

  private int images() {
    List<Path> files = imageFiles(images);
    OutputPaths.file("--output", output, model, files.toArray(Path[]::new));
    List<byte[]> bytes = new ArrayList<>();
    for (Path f : files) {
      try {
        bytes.add(Files.readAllBytes(f));
      } catch (IOException e) {
        throw new BadInputException("cannot read image " + f + ": " + dev.tfgraph.graph.io.IoErrors.describe(f, e));
      }
      ImageHeader.check(bytes.get(bytes.size() - 1), f.toString(), maxImagePixels);   // before the model loads; the Predictor checks again
    }
    try (Predictor p = ModelDir.open(model, trusted)) {
      NpyArray y = p.hasImageSignature() ? throughServingImages(p, files, bytes) : throughDefault(p, files, bytes);
      write(p, y);
      List<String> labels = PredictionLabels.of(p, y);
      if (labels == null) {
        System.out.println(output);
        return ExitCodes.OK;
      }
      PredictionLabels.print(files, labels, y, EvaluateCommand.endsIn(p, "softmax"));
    }
    return ExitCodes.OK;
  }

  /** serving_images in the model; a batch that fails is run image by image to name the file at fault. */
  private NpyArray throughServingImages(Predictor p, List<Path> files, List<byte[]> bytes) {
    try {
      return p.predictImages(bytes, batchSize, maxImagePixels);
    } catch (BadInputException e) {
      for (int i = 0; i < bytes.size(); i++) {
        try {
          p.predictImages(List.of(bytes.get(i)), 1, maxImagePixels);
        } catch (BadInputException one) {
          throw new BadInputException(files.get(i) + " is not an image the model's serving_images can decode: "
              + one.getMessage().replaceFirst("^running serving_images of .* failed: ", ""));
        }
      }
      throw e;
    }
  }

  /** Decoded in Java as serving_images would (ImageDecoding), then serving_default. */
  private NpyArray throughDefault(Predictor p, List<Path> files, List<byte[]> bytes) {
    if (p.inputNames().size() != 1) throw new BadInputException("--images needs a model of one image input; " + p.dir() + " takes " + p.inputNames());
    long[] s = p.inputShape();
    long[] hwc = java.util.Arrays.copyOfRange(s, 1, s.length);
    ImageDecoding.checkInputShape("model input '" + p.inputName() + "'", hwc);
    try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(hwc[0], hwc[1], hwc[2], maxImagePixels)) {
      float[] x = new float[Math.multiplyExact(files.size(), d.exampleSize())];
      for (int i = 0; i < files.size(); i++) d.decodeInto(bytes.get(i), files.get(i).toString(), x, i * d.exampleSize());
      return p.predict(NpyArray.ofFloats(new long[] {files.size(), hwc[0], hwc[1], hwc[2]}, x), batchSize);
    }
  }

  /** Files as given (whatever their name), folders' image files (subfolders too), in path order by code point. */
  static List<Path> imageFiles(List<Path> paths) {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isRegularFile(p)) {
        out.add(p);
      } else if (Files.isDirectory(p)) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> Files.isRegularFile(f) && ImageDecoding.isImageFile(f)).forEach(found::add);
        } catch (IOException e) {
          throw new BadInputException("cannot list " + p + ": " + e.getMessage());
        }
        if (found.isEmpty()) throw new BadInputException("--images " + p + " holds no images (.jpg .jpeg .png .bmp .gif)");
        found.sort(Comparator.comparing(Path::toString, ImageFolder.CODE_POINT_ORDER));
        out.addAll(found);
      } else {
        dev.tfgraph.graph.io.IoErrors.requireRegularFile(p, "--images " + p, "an image file or a folder of images");
      }
    }
    return out;
  }
}

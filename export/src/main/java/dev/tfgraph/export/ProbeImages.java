package dev.tfgraph.export;

import dev.tfgraph.export.serving.ServingImages;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.data.ImageDecoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.types.TString;

/** The probe images an export with serving_images is verified on: PNGs of other sizes than the input's, RGB and grey. */
final class ProbeImages {
  private ProbeImages() {}

  /** n seeded PNG images: alternately larger and smaller than the input's H×W (the resize runs), alternately RGB and grey. */
  static List<byte[]> encoded(Model model, int n) {
    long[] hwc = Shapes.dims(ServingImages.imageInput(model).shape());
    SplittableRandom r = new SplittableRandom(16);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int h = (int) Math.max(1, i % 2 == 0 ? hwc[0] + 5 : hwc[0] / 2 + 1), w = (int) Math.max(1, i % 2 == 0 ? hwc[1] + 3 : hwc[1] / 2 + 1);
      BufferedImage img = new BufferedImage(w, h, i % 4 < 2 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try {
        ImageIO.write(img, "png", b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.add(b.toByteArray());
    }
    return out;
  }

  /** serving_images in this process. */
  static float[] run(ModelRuntime rt, Signature images, List<byte[]> bytes) {
    try (TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(bytes.toArray(byte[][]::new)));
        Result r = rt.session().runner().feed(ServingImages.KEY + "/" + ServingImages.INPUT, t)
            .fetch(ServingImages.KEY + "/" + ServingImages.OUTPUT).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /** The same images decoded one at a time in Java ({@link ImageDecoding.Decoder}), then serving_default's graph. */
  static float[] throughDefault(ModelRuntime rt, List<byte[]> bytes) {
    long[] hwc = Shapes.dims(rt.model().inputs().get(0).shape());
    try (ImageDecoding.Decoder d = new ImageDecoding.Decoder(hwc[0], hwc[1], hwc[2])) {
      float[] x = new float[bytes.size() * d.exampleSize()];
      for (int i = 0; i < bytes.size(); i++) d.decodeInto(bytes.get(i), "probe image " + i, x, i * d.exampleSize());
      return rt.predict(List.of(x), bytes.size(), bytes.size());
    }
  }
}

package dev.tfgraph.graph.runtime;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import java.util.List;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Device choice: "cpu" hides GPUs from the session; "gpu" requires one (TF places ops on
 * /GPU:0 first when a GPU is visible) and grows its memory on demand; "auto" takes a GPU when
 * the runtime sees one. The GPU path needs the {@code gpu} Maven profile and a CUDA host.
 */
public final class Devices {
  /** The accepted device choices. */
  public static final List<String> CHOICES = List.of("auto", "cpu", "gpu");

  private Devices() {}

  /**
   * Sets a session configuration for a device choice.
   * @param b the session's configuration, changed in place
   * @param device one of {@link #CHOICES}
   * @throws BadInputException if device is not one of them, or is "gpu" and no GPU is visible
   */
  public static void configure(ConfigProto.Builder b, String device) {
    Checks.oneOf("train", "device", device, CHOICES);
    switch (device) {
      case "cpu" -> b.putDeviceCount("GPU", 0);
      case "gpu" -> {
        if (!gpuAvailable()) {
          throw new BadInputException("device gpu: no GPU is visible to TensorFlow (build with -Pgpu on a host with "
              + "CUDA 12 and cuDNN 9, or choose device cpu)");
        }
        b.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true));
      }
      default -> b.setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true)).setAllowSoftPlacement(true);
    }
  }

  /**
   * Whether TF's runtime lists a GPU device (placement of a constant on /GPU:0 succeeds).
   * @return true if a GPU is visible
   */
  public static boolean gpuAvailable() {
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      var c = tf.withDevice(org.tensorflow.DeviceSpec.newBuilder()
          .deviceType(org.tensorflow.DeviceSpec.DeviceType.GPU).deviceIndex(0).build()).constant(1f);
      try (org.tensorflow.Session s = new org.tensorflow.Session(g,
          ConfigProto.newBuilder().setAllowSoftPlacement(false).build());
          var r = s.runner().fetch(c).run()) {
        return true;
      }
    } catch (RuntimeException e) {
      return false;
    }
  }
}

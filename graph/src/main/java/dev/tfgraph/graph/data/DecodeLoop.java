package dev.tfgraph.graph.data;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.TensorArray;
import org.tensorflow.op.core.TensorArrayGather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * {@link ImageDecoding#decodeBatch}'s ops: a while loop that decodes the images of a vector one by
 * one ({@link ImageDecoding#decode}) and writes each into a TensorArray, as {@code tf.map_fn}
 * builds it, so that images of different sizes and formats share one batch.
 */
final class DecodeLoop {
  private DecodeLoop() {}

  /** Encoded images [n] to float32 [n, height, width, channels], the ops under sub-scope {@code name}. */
  static Operand<TFloat32> decodeBatch(Ops tf, Operand<TString> encoded, long height, long width, long channels, String name) {
    Graph g = (Graph) tf.scope().env();
    Ops s = tf.withSubScope(name);
    Operand<TInt32> n = s.size(encoded, TInt32.class);
    TensorArray ta = s.tensorArray(n, TFloat32.class, TensorArray.elementShape(Shape.of(height, width, channels)),
        TensorArray.identicalElementShapes(true));
    Output<?>[] init = {s.constant(0).asOutput(), encoded.asOutput(), ta.handle().asOutput(), ta.flow().asOutput()};
    Output<?>[] done = g.whileLoop(init, (cg, in, out) -> {
      Ops c = Ops.create(cg);
      @SuppressWarnings("unchecked") Operand<TInt32> i = (Operand<TInt32>) in[0];
      @SuppressWarnings("unchecked") Operand<TString> bytes = (Operand<TString>) in[1];
      out[0] = c.math.less(i, c.size(bytes, TInt32.class)).asOutput();
    }, (bg, in, out) -> {
      Ops b = Ops.create(bg);
      @SuppressWarnings("unchecked") Operand<TInt32> i = (Operand<TInt32>) in[0];
      @SuppressWarnings("unchecked") Operand<TString> bytes = (Operand<TString>) in[1];
      @SuppressWarnings("unchecked") Operand<TFloat32> flow = (Operand<TFloat32>) in[3];
      Operand<TFloat32> image = ImageDecoding.decode(b, b.gather(bytes, i, b.constant(0)), height, width, channels);
      out[0] = b.math.add(i, b.constant(1)).asOutput();
      out[1] = b.identity(bytes).asOutput();
      out[2] = b.identity(in[2]).asOutput();
      out[3] = b.tensorArrayWrite(in[2], i, image, flow).flowOut().asOutput();
    }, name + "_loop");
    @SuppressWarnings("unchecked") Operand<TFloat32> flowOut = (Operand<TFloat32>) done[3];
    Operand<TFloat32> out = s.tensorArrayGather(ta.handle(), s.range(s.constant(0), n, s.constant(1)), flowOut, TFloat32.class,
        TensorArrayGather.elementShape(Shape.of(height, width, channels)));
    return s.ensureShape(out, Shape.of(-1, height, width, channels));
  }
}

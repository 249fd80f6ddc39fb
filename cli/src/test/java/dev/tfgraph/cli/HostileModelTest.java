package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** SavedModels nobody should trust: the child-JVM probe keeps this JVM alive and answers exit 2. */
class HostileModelTest {
  static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    return b.build();
  }

  /** A SavedModel whose graph holds a float Const of shape [2^40, 2^40]: loading it aborts a JVM. */
  static Path hugeConstantModel(Path dir) throws Exception {
    TensorProto big = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1L << 40, 1L << 40)).addFloatVal(1f).build();
    NodeDef c = NodeDef.newBuilder().setName("big").setOp("Const").putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(big).build()).build();
    NodeDef out = NodeDef.newBuilder().setName("output").setOp("AddV2").addInput("x").addInput("big")
        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build();
    return savedModel(dir, shape(-1, 3), c, out);
  }

  /**
   * A hand-written SavedModel version folder {@code dir/1}: input x (float [-1, 3]), the given nodes,
   * which compute the node "output" from "x", and the serving_default signature.
   */
  static Path savedModel(Path dir, TensorShapeProto outputShape, NodeDef... nodes) throws Exception {
    NodeDef x = NodeDef.newBuilder().setName("x").setOp("Placeholder").putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("shape", AttrValue.newBuilder().setShape(shape(-1, 3)).build()).build();
    SignatureDef sig = SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict")
        .putInputs("x", TensorInfo.newBuilder().setName("x:0").setDtype(DataType.DT_FLOAT).setTensorShape(shape(-1, 3)).build())
        .putOutputs("output", TensorInfo.newBuilder().setName("output:0").setDtype(DataType.DT_FLOAT).setTensorShape(outputShape).build()).build();
    GraphDef.Builder graph = GraphDef.newBuilder().addNode(x);
    for (NodeDef n : nodes) graph.addNode(n);
    MetaGraphDef mg = MetaGraphDef.newBuilder().setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve"))
        .setGraphDef(graph).putSignatureDef("serving_default", sig).build();
    Path v = dir.resolve("1");
    Files.createDirectories(v.resolve("variables"));
    Files.write(v.resolve("saved_model.pb"), SavedModel.newBuilder().addMetaGraphs(mg).build().toByteArray());
    return v;
  }

  @Test
  void hugeConstantIsRefusedWithoutCrashingThisJvm(@TempDir Path d) throws Exception {
    Path model = hugeConstantModel(d.resolve("hostile"));
    Path[] f = MainTest.fixture(d);
    MainTest.Run r = MainTest.run("predict", "--model", model.toString(), "--input", f[2].toString(), "--output", d.resolve("o.npy").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("child JVM"), r.err());
    assertTrue(Files.notExists(d.resolve("o.npy")));
  }

  /** Byte-mutated copies of a real export: every one ends in exit 0, 2 or 3, never a crash of this JVM. */
  @Test
  void mutatedSavedModelsEndInAnExitCode(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path base = d.resolve("model");
    assertEquals(0, MainTest.run("export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", base.toString()).code());
    byte[] pb = Files.readAllBytes(base.resolve("1/saved_model.pb"));
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 8; i++) {
      byte[] m = pb.clone();
      for (int k = 0; k < 1 + r.nextInt(8); k++) m[r.nextInt(m.length)] ^= (byte) (1 + r.nextInt(255));
      Files.write(base.resolve("1/saved_model.pb"), m);
      int code = MainTest.run("predict", "--model", base.toString(), "--input", f[2].toString(), "--output", d.resolve("o.npy").toString()).code();
      assertTrue(code == 0 || code == 2 || code == 3, "mutation " + i + ": exit " + code);
    }
  }
}

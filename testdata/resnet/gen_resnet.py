#!/usr/bin/env python3
"""ResNet50 parity references for tfgraph's Keras-layout ResNet50 base (ResNet50.base), from torchvision.

Regenerate the committed test files from the repository root (python3-torch 1.13, torchvision 0.14, numpy):
    /usr/bin/python3 testdata/resnet/gen_resnet.py
Full size, on the fly (not committed; the README's parity run):
    /usr/bin/python3 testdata/resnet/gen_resnet.py --divisor 1 --size 224 --out /tmp/resnet-full \\
        --backbone-spec-from /tmp/ib-resnet50.json        # from ./tfgraph spec --model ib-resnet50

The model is torchvision.models.resnet.ResNet with Bottleneck blocks, [3, 4, 6, 3] (resnet50), changed to be
exactly Keras' keras.applications.ResNet50 (ResNet v1, keras/src/applications/resnet.py):
- torchvision is ResNet v1.5 (a stage's first block strides on its 3x3 conv2): the stride is moved onto the
  block's first 1x1 conv (conv1), as Keras' v1 does (the 1x1 shortcut keeps its stride in both);
- every convolution gets a bias (Keras' ResNet convolutions have one; torchvision's have none);
- BatchNorm eps is 1.001e-5 (Keras' value; torchvision's is 1e-5);
- for the test-sized variant (--divisor D > 1) the subclasses below divide every width by D: conv1 has 64/D
  filters and stage k's bottleneck width is (64, 128, 256, 512)[k]/D (outputs 4x), nothing else changes.
Padding agrees: Keras pads conv1 by ZeroPadding2D(3) and pool1 by ZeroPadding2D(1) before "valid" ops, torch
pads the conv by 3 and the max pool by 1 with -inf, the same after a ReLU; 3x3 convs "same" at stride 1 = pad 1.

Weights are random (He-normal kernels, small random biases, gamma and beta random, BatchNorm statistics set
from a forward pass in training mode on random images, so nonzero and realistic), rounded to float32, then the
reference is computed in float64 with those exact values. Written (PREFIX = resnet50_div<D>_<size>):
- PREFIX_weights.npz: float32, tfgraph's layout (docs/model-spec.md) under Keras' layer names:
  <layer>.kernel [kh, kw, c_in, c_out] (torch OIHW transposed), <layer>.bias, <bn>.gamma/beta/moving_mean/
  moving_variance;
- PREFIX_x.npy: float32 NHWC input images [N, size, size, 3] (standard normal: what the base sees after
  ImagePreprocessing is zero-centred);
- PREFIX_expected.npy: float64 NHWC conv5_block3_out from torchvision, [N, size/32, size/32, 2048/D];
- resnet50_keras_layers.txt: the layer names of keras.applications.ResNet50(include_top=False), input left
  out, in the order Keras lists them (model.layers), written from Keras' naming rules in resnet.py.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
from torchvision.models.resnet import Bottleneck, ResNet

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKS = [3, 4, 6, 3]
EPS = 1.001e-5


def keras_layer_names():
    """Keras' ResNet50 names (stack_residual_blocks_v1 / residual_block_v1), in model.layers order: within a
    first block, 0_conv and 3_conv (equal depth) come after the 2_relu, shortcut first, then 0_bn, 3_bn."""
    names = ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"]
    for stage, blocks in enumerate(BLOCKS, start=2):
        for b in range(1, blocks + 1):
            n = f"conv{stage}_block{b}"
            names += [n + s for s in ("_1_conv", "_1_bn", "_1_relu", "_2_conv", "_2_bn", "_2_relu")]
            names += [n + s for s in (("_0_conv", "_3_conv", "_0_bn", "_3_bn") if b == 1 else ("_3_conv", "_3_bn"))]
            names += [n + "_add", n + "_out"]
    return names


def resnet50(divisor):
    """torchvision's ResNet(Bottleneck, [3, 4, 6, 3]) with every width divided by `divisor` (subclassed)."""

    class SmallResNet(ResNet):
        def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
            if planes == 64:                      # the first stage: conv1's output width
                self.inplanes = 64 // divisor
            return super()._make_layer(block, planes // divisor, blocks, stride, dilate)

    m = SmallResNet(Bottleneck, BLOCKS) if divisor > 1 else ResNet(Bottleneck, BLOCKS)
    if divisor > 1:
        m.conv1 = nn.Conv2d(3, 64 // divisor, kernel_size=7, stride=2, padding=3, bias=False)
        m.bn1 = nn.BatchNorm2d(64 // divisor)
    return m


def to_keras_v1(m):
    """Stride on each stage's first 1x1 conv (v1), biases on every conv, BatchNorm eps 1.001e-5."""
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        first = layer[0]
        s = first.conv2.stride
        first.conv1.stride, first.conv2.stride = s, (1, 1)
    for parent in list(m.modules()):
        for name, c in list(parent.named_children()):
            if isinstance(c, nn.Conv2d):
                setattr(parent, name, nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding,
                                                bias=True))
            elif isinstance(c, nn.BatchNorm2d):
                c.eps = EPS
    return m


def keras_pairs(m):
    """(Keras name, torch conv, torch bn) for every conv + batch norm pair of the base."""
    out = [("conv1", m.conv1, m.bn1)]
    for stage, layer in enumerate((m.layer1, m.layer2, m.layer3, m.layer4), start=2):
        for b, blk in enumerate(layer, start=1):
            n = f"conv{stage}_block{b}"
            if blk.downsample is not None:
                out.append((n + "_0", blk.downsample[0], blk.downsample[1]))
            out += [(n + "_1", blk.conv1, blk.bn1), (n + "_2", blk.conv2, blk.bn2), (n + "_3", blk.conv3, blk.bn3)]
    return out


def base(m, x):
    """conv5_block3_out: torchvision's forward without avgpool and fc."""
    x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
    return m.layer4(m.layer3(m.layer2(m.layer1(x))))


def randomize(m, size, rng_seed):
    torch.manual_seed(rng_seed)
    with torch.no_grad():
        for _, conv, bn in keras_pairs(m):
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            conv.bias.normal_(0, 0.1)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0, 0.1)
        m.train()                                     # moving statistics from real activations
        for _, _, bn in keras_pairs(m):
            bn.reset_running_stats()
            bn.momentum = None                        # cumulative average over the calibration batches
        for _ in range(2):
            base(m, torch.randn(4, 3, size, size, dtype=torch.float64))
        m.eval()
        for p in list(m.parameters()) + list(m.buffers()):   # exactly float32 values, then float64 math
            if p.is_floating_point():
                p.copy_(p.float().double() if p.dtype == torch.float64 else p.float())
    return m


def weights_npz(m):
    w = {}
    for name, conv, bn in keras_pairs(m):
        w[name + "_conv.kernel"] = conv.weight.detach().float().numpy().transpose(2, 3, 1, 0)   # OIHW -> HWIO
        w[name + "_conv.bias"] = conv.bias.detach().float().numpy()
        w[name + "_bn.gamma"] = bn.weight.detach().float().numpy()
        w[name + "_bn.beta"] = bn.bias.detach().float().numpy()
        w[name + "_bn.moving_mean"] = bn.running_mean.detach().float().numpy()
        w[name + "_bn.moving_variance"] = bn.running_var.detach().float().numpy()
    return {k: np.ascontiguousarray(v) for k, v in w.items()}


def backbone_spec(ib_spec_path, out_path):
    """The base alone (input x -> conv5_block3_out) cut from `./tfgraph spec --model ib-resnet50`'s spec."""
    spec = json.load(open(ib_spec_path))
    names = set(keras_layer_names())
    layers = [dict(l) for l in spec["layers"] if l["name"] in names]
    layers[0]["inbound"] = ["x"]
    for l in layers:
        l["trainable"] = True
    json.dump({"format_version": 2, "name": "resnet50-base", "inputs": spec["inputs"], "layers": layers,
               "outputs": ["conv5_block3_out"]}, open(out_path, "w"), indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--divisor", type=int, default=32)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--seed", type=int, default=50)
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--backbone-spec-from", help="an ib-resnet50 spec: also write PREFIX_spec.json, the base alone")
    ap.add_argument("--float32-baseline", action="store_true",
                    help="also print torchvision's own float32 error against its float64 reference (what a float32 "
                         "implementation can be expected to reach)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    prefix = os.path.join(a.out, f"resnet50_div{a.divisor}_{a.size}")
    torch.set_num_threads(2)
    m = randomize(to_keras_v1(resnet50(a.divisor)).double(), a.size, a.seed)
    rng = np.random.default_rng(a.seed)
    x = rng.standard_normal((a.batch, a.size, a.size, 3)).astype(np.float32)
    with torch.no_grad():
        y = base(m, torch.from_numpy(x).double().permute(0, 3, 1, 2)).permute(0, 2, 3, 1).numpy()
    w = weights_npz(m)
    np.savez(prefix + "_weights.npz", **w)
    np.save(prefix + "_x.npy", x)
    np.save(prefix + "_expected.npy", np.ascontiguousarray(y, dtype=np.float64))
    with open(os.path.join(a.out, "resnet50_keras_layers.txt"), "w") as f:
        f.write("\n".join(keras_layer_names()) + "\n")
    if a.float32_baseline:
        with torch.no_grad():
            y32 = base(m.float(), torch.from_numpy(x).permute(0, 3, 1, 2)).permute(0, 2, 3, 1).double().numpy()
        err = np.abs(y32 - y)
        print(f"torchvision float32 vs float64: max abs {err.max():.3g}, max rel {(err / np.maximum(np.abs(y), 1e-30)).max():.3g}, "
              f"failing at rtol 1e-4 atol 1e-4: {(err > 1e-4 + 1e-4 * np.abs(y)).sum()} of {y.size}")
    if a.backbone_spec_from:
        backbone_spec(a.backbone_spec_from, prefix + "_spec.json")
    print(f"wrote {prefix}_*: {len(w)} weights ({sum(v.size for v in w.values()):,} values), x {x.shape}, "
          f"expected {y.shape}, |expected| max {np.abs(y).max():.3g} mean {np.abs(y).mean():.3g}")


if __name__ == "__main__":
    main()

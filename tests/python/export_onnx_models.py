"""Exports the ONNX test models of tests/onnx_*_test.cpp with PyTorch, and PyTorch's outputs.

usage: /usr/bin/python3 export_onnx_models.py OUT_DIR MODEL...

For each MODEL writes OUT_DIR/MODEL.onnx, MODEL.input.npy (a fixed input, batch 2) and
MODEL.output.npy (PyTorch's float32 output for it), then a line "MODEL op,op,..." with the ONNX
ops of the export on stdout. Random weights from a fixed seed, batchnorm statistics randomised too
(so a folded or kept batchnorm matters), eval mode. Exit 3 when torch, torchvision or onnx are
missing, so the test can skip.
"""
import sys

try:
    import numpy as np
    import onnx
    import torch
    import torchvision
    from torch import nn
except ImportError as missing:
    print(f"missing python package: {missing}", file=sys.stderr)
    sys.exit(3)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
                                  nn.Dropout(0.2), nn.Linear(32, 16), nn.Hardtanh(),
                                  nn.Linear(16, 10))

    def forward(self, x):
        return self.body(x)


class Cnv(nn.Module):
    """Pad folding, groups, ceil-mode max pooling, ReLU6, a residual add, a channel concat."""


    def __init__(self):
        super().__init__()
        self.pad = nn.ZeroPad2d(1)
        self.conv1 = nn.Conv2d(3, 16, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.bn2 = nn.BatchNorm2d(16)
        self.grouped = nn.Conv2d(16, 8, (1, 3), stride=(1, 1), padding=(0, 1), groups=2)
        self.pool2 = nn.AvgPool2d(2)
        self.fc = nn.Linear(24 * 5 * 5, 10)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(self.pad(x))))
        x = self.pool1(x)
        x = x + torch.nn.functional.relu6(self.bn2(self.dw(x)))
        x = torch.cat([x, self.grouped(x)], 1)
        x = self.pool2(x)
        return self.fc(torch.flatten(x, 1))


def build(name):
    """(module, input shape, keep batchnorm)"""
    base = name.removesuffix("_bn_kept").removesuffix("_bn_folded")
    keep = name.endswith("_bn_kept")
    if base == "resnet50":
        return torchvision.models.resnet50(weights=None), (1, 3, 224, 224), keep
    if base == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(weights=None), (1, 3, 224, 224), keep
    if base == "googlenet":
        model = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
        return model, (1, 3, 224, 224), keep
    if base == "mlp":
        return Mlp(), (2, 64), keep
    if base == "cnv":
        return Cnv(), (2, 3, 20, 20), keep
    raise SystemExit(f"unknown model {name}")


def randomise_batch_norms(module, generator):
    for m in module.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)


def export(name, out_dir):
    torch.manual_seed(7)
    model, shape, keep = build(name)
    generator = torch.Generator().manual_seed(11)
    with torch.no_grad():
        randomise_batch_norms(model, generator)
    model.eval()
    x = torch.randn(*shape, generator=generator)
    with torch.no_grad():
        y = model(x)
    path = f"{out_dir}/{name}.onnx"
    # PRESERVE skips the eval-mode peephole that folds batchnorm into convs; EVAL with constant
    # folding folds it.
    mode = torch.onnx.TrainingMode.PRESERVE if keep else torch.onnx.TrainingMode.EVAL
    # The CNV at opset 10: Pad and Clip take attributes there (at 11+ PyTorch computes Pad's pads
    # with a dozen shape ops), and the importer's older-opset paths get used.
    opset = 10 if name.startswith("cnv") else 13
    torch.onnx.export(model, x, path, opset_version=opset, training=mode,
                      do_constant_folding=not keep, input_names=["input"],
                      output_names=["logits"])
    np.save(f"{out_dir}/{name}.input.npy", x.numpy().astype(np.float32))
    np.save(f"{out_dir}/{name}.output.npy", y.numpy().astype(np.float32))
    exported = onnx.load(path)
    exported.graph.name = name  # rows name the topology by it; PyTorch writes "torch_jit"
    onnx.save(exported, path)
    ops = sorted({node.op_type for node in exported.graph.node})
    print(name, ",".join(ops), flush=True)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    for name in sys.argv[2:]:
        export(name, sys.argv[1])


if __name__ == "__main__":
    main()

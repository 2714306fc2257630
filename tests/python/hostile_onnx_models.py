"""Writes malformed and unsupported ONNX files for tests/onnx_hostile_test.cpp.

usage: /usr/bin/python3 hostile_onnx_models.py OUT_DIR

Each file is a small graph built with onnx.helper around one defect; good.onnx (with its weights
in good.weights, external data) is the same graph without one. Exit 3 when numpy or onnx are
missing.
"""
import os
import sys

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as missing:
    print(f"missing python package: {missing}", file=sys.stderr)
    sys.exit(3)

OUT = sys.argv[1]
X = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
Y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
W = numpy_helper.from_array(np.arange(2 * 2 * 3 * 3, dtype=np.float32).reshape(2, 2, 3, 3) / 36,
                            "w")


def save(name, nodes, initializers=(), opset=13, value_info=(), inputs=(X,), outputs=(Y,)):
    graph = helper.make_graph(nodes, name, list(inputs), list(outputs), list(initializers),
                              value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, os.path.join(OUT, f"{name}.onnx"))
    return model


def conv(**attributes):
    return helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1],
                            **attributes)


os.makedirs(OUT, exist_ok=True)
good = save("good", [conv()], [W])
with open(os.path.join(OUT, "good.onnx"), "rb") as f:
    data = f.read()
with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])
with open(os.path.join(OUT, "not_onnx.onnx"), "wb") as f:
    f.write(b"this is not a protobuf\n" * 10)

huge = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1 << 29])  # 2 GB claimed, no data
save("huge_tensor", [conv()], [huge])
save("unsupported_op", [helper.make_node("Sigmoid", ["x"], ["y"], name="gate")])
save("unknown_input", [helper.make_node("Relu", ["nowhere"], ["y"], name="lost")])
save("cycle", [helper.make_node("Relu", ["z"], ["t"], name="first"),
               helper.make_node("Add", ["x", "t"], ["z"], name="second"),
               helper.make_node("Relu", ["z"], ["y"], name="third")])
save("dilated_conv", [conv(dilations=[2, 2])], [W])
save("old_opset", [conv()], [W], opset=6)
stated = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 5, 5])
save("wrong_shape", [conv()], [W], outputs=(stated,))
then = helper.make_graph([helper.make_node("Relu", ["x"], ["r"])], "then", [],
                         [helper.make_tensor_value_info("r", TensorProto.FLOAT, None)])
save("subgraph", [helper.make_node("If", ["x"], ["y"], name="branch", then_branch=then,
                                   else_branch=then)])
save("pad_before_maxpool",
     [helper.make_node("Pad", ["x", "p"], ["padded"], name="pad"),
      helper.make_node("MaxPool", ["padded"], ["y"], name="pool", kernel_shape=[2, 2])],
     [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "p")])

# External data: good inside the folder, refused when the location leaves it.
external = onnx.load(os.path.join(OUT, "good.onnx"))
onnx.save(external, os.path.join(OUT, "external.onnx"), save_as_external_data=True,
          all_tensors_to_one_file=True, location="external.weights", size_threshold=0)
escaping = onnx.load(os.path.join(OUT, "external.onnx"), load_external_data=False)
for entry in escaping.graph.initializer[0].external_data:
    if entry.key == "location":
        entry.value = "../outside.weights"
onnx.save(escaping, os.path.join(OUT, "escaping_external.onnx"))
# PyTorch's reference for good.onnx: the same convolution in numpy.
x = np.linspace(-1, 1, 2 * 4 * 4, dtype=np.float32).reshape(1, 2, 4, 4)
np.save(os.path.join(OUT, "good.input.npy"), x)
padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
w = numpy_helper.to_array(W)
y = np.zeros((1, 2, 4, 4), dtype=np.float64)
for o in range(2):
    for i in range(4):
        for j in range(4):
            y[0, o, i, j] = np.sum(padded[0, :, i:i + 3, j:j + 3] * w[o])
np.save(os.path.join(OUT, "good.output.npy"), y.astype(np.float32))
np.save(os.path.join(OUT, "float64.npy"), x.astype(np.float64))
print("ok")

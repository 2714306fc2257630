"""Prepares ONNX's operator test cases (Debian libonnx-testdata) for tests/onnx_testdata_test.cpp.

usage: /usr/bin/python3 onnx_testdata_cases.py NODE_TESTS_DIR OUT_DIR

For each case whose first input is a float32 tensor of rank 2 or 4 and whose one output is float32:
the node test gives weights as graph inputs, so inputs 1.. become initializers holding the test
data; writes OUT_DIR/CASE/model.onnx, input.npy and expected.npy, and prints "CASE" on stdout.
Other cases print "CASE skip: reason". Exit 3 when numpy or onnx are missing.
"""
import os
import sys

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
except ImportError as missing:
    print(f"missing python package: {missing}", file=sys.stderr)
    sys.exit(3)


def read_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def prepare(case_dir, out_dir, case):
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    data = os.path.join(case_dir, "test_data_set_0")
    graph = model.graph
    if len(graph.output) != 1:
        return "skip: more than one output"
    inputs = [read_tensor(os.path.join(data, f"input_{i}.pb")) for i in range(len(graph.input))]
    expected = read_tensor(os.path.join(data, "output_0.pb"))
    if not inputs or inputs[0].dtype != np.float32 or inputs[0].ndim not in (2, 4):
        return "skip: the first input is not a float32 N x C x H x W or N x features tensor"
    if expected.dtype != np.float32:
        return "skip: the output is not float32"
    for value_info, value in zip(list(graph.input[1:]), inputs[1:]):
        graph.initializer.append(numpy_helper.from_array(value, value_info.name))
    os.makedirs(os.path.join(out_dir, case), exist_ok=True)
    onnx.save(model, os.path.join(out_dir, case, "model.onnx"))
    np.save(os.path.join(out_dir, case, "input.npy"), np.ascontiguousarray(inputs[0]))
    np.save(os.path.join(out_dir, case, "expected.npy"), np.ascontiguousarray(expected))
    return None


def main():
    node_dir, out_dir = sys.argv[1], sys.argv[2]
    for case in sorted(os.listdir(node_dir)):
        case_dir = os.path.join(node_dir, case)
        if not os.path.exists(os.path.join(case_dir, "model.onnx")):
            continue
        try:
            reason = prepare(case_dir, out_dir, case)
        except Exception as error:  # a case this script cannot read is reported, not fatal
            reason = f"skip: {type(error).__name__}"
        print(case if reason is None else f"{case} {reason}")


if __name__ == "__main__":
    main()

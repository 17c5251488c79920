"""Add the mean-pooled sentence vector to the default model's ONNX outputs, as ``pooled``.

    .venv-train/bin/python training/expose_pooled.py   # needs the onnx package

The distress head (training/train_distress_head.py) reads this 384-dimensional vector, so
heard gets it from the same forward pass as the emotions instead of running a second
encoder. It is the input of the emotion head (``top.head``); only the graph's list of
outputs changes, not a weight. ``train_default.py`` calls this after quantising; running it
again on a model that already has the output changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import onnx

ARTIFACT = (
    Path(__file__).resolve().parents[1]
    / "src/heard/signals/models/artifacts/emotions-minilm.int8.onnx"
)
HEAD_WEIGHT = "top.head.weight_quantized"  # the int8 emotion head's weight initializer


def pooled_tensor(graph: onnx.GraphProto) -> str:
    """The float tensor the emotion head multiplies: the input its activations are quantised
    from (dynamic quantisation puts a DynamicQuantizeLinear in front of the head's matmul)."""
    producers = {out: node for node in graph.node for out in node.output}
    head = next(n for n in graph.node if n.op_type == "MatMulInteger" and HEAD_WEIGHT in n.input)
    quantise = producers[head.input[0]]
    assert quantise.op_type == "DynamicQuantizeLinear", quantise.op_type
    return str(quantise.input[0])


def expose_pooled(path: Path = ARTIFACT) -> None:
    model = onnx.load(str(path))
    graph = model.graph
    if any(o.name == "pooled" for o in graph.output):
        return
    source = pooled_tensor(graph)
    graph.node.append(onnx.helper.make_node("Identity", [source], ["pooled"], name="pooled"))
    graph.output.append(
        onnx.helper.make_tensor_value_info("pooled", onnx.TensorProto.FLOAT, ["batch", 384])
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    print(f"{path.name}: output 'pooled' <- {source}")


if __name__ == "__main__":
    expose_pooled()

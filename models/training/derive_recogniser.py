"""Derives models/ch_PP-OCRv4_rec_folded.onnx from the package's PP-OCRv4 recogniser.

Two rewrites onnxruntime does not make itself, each exact up to float rounding (outputs agree within
1e-5): the export's hard-swish, x·clip(x+3, 0, 6)/6 in four nodes, becomes x·HardSigmoid(x) (two
nodes, opset 9 kept); and each Conv followed by a scalar Mul and Add (PP-LCNetV3's learnable affine
blocks) takes them into its weights and bias. Same weights otherwise, same inputs and outputs.

Usage: python derive_recogniser.py SOURCE.onnx OUT.onnx   (scripts/derive-recogniser.sh)
"""
import sys

import numpy as np
import onnx
import onnx.numpy_helper as nh
from onnx import helper

source, out = sys.argv[1], sys.argv[2]
model = onnx.load(source)
graph = model.graph
producer = {o: n for n in graph.node for o in n.output}
consumers: dict[str, list] = {}
for n in graph.node:
    for i in n.input:
        consumers.setdefault(i, []).append(n)
constant_node = {n.output[0]: n for n in graph.node if n.op_type == "Constant"}


def constant(name: str):
    node = constant_node.get(name)
    return None if node is None else nh.to_array(node.attribute[0].t)


def scalar(name: str, value: float | None = None) -> bool:
    c = constant(name)
    return c is not None and c.size == 1 and (value is None or float(c.reshape(())) == value)


def only_consumer(name: str):
    users = consumers.get(name, [])
    return users[0] if len(users) == 1 else None


drop: set[int] = set()
replace: dict[int, list] = {}

# 1. Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6) → Mul(x, HardSigmoid(x; 1/6, 0.5))
hard_swish = 0
for div in graph.node:
    if div.op_type != "Div" or not scalar(div.input[1], 6.0):
        continue
    mul = producer.get(div.input[0])
    if mul is None or mul.op_type != "Mul" or only_consumer(mul.output[0]) is not div:
        continue
    for x, c in ((mul.input[0], mul.input[1]), (mul.input[1], mul.input[0])):
        clip = producer.get(c)
        if clip is None or clip.op_type != "Clip" or only_consumer(clip.output[0]) is not mul:
            continue
        bounds = {a.name: a.f for a in clip.attribute}
        add = producer.get(clip.input[0])
        if bounds != {"min": 0.0, "max": 6.0} or add is None or add.op_type != "Add" or only_consumer(add.output[0]) is not clip:
            continue
        if x not in add.input or not scalar([i for i in add.input if i != x][0], 3.0):
            continue
        gate = div.output[0] + "_gate"
        replace[id(div)] = [
            helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5, name=div.name + "_hardsigmoid"),
            helper.make_node("Mul", [x, gate], [div.output[0]], name=div.name + "_hardswish"),
        ]
        drop.update((id(mul), id(clip), id(add)))
        hard_swish += 1
        break

# 2. Conv(W, b) → Mul(s) → Add(t) with scalar s, t and unshared weights → Conv(W·s, b·s + t)
affine = 0
for conv in graph.node:
    if conv.op_type != "Conv" or len(conv.input) != 3:
        continue
    w, b = conv.input[1], conv.input[2]
    if constant(w) is None or constant(b) is None or only_consumer(w) is not conv or only_consumer(b) is not conv:
        continue
    mul = only_consumer(conv.output[0])
    if mul is None or mul.op_type != "Mul":
        continue
    s_name = [i for i in mul.input if i != conv.output[0]][0]
    add = only_consumer(mul.output[0])
    if not scalar(s_name) or add is None or add.op_type != "Add":
        continue
    t_name = [i for i in add.input if i != mul.output[0]][0]
    if not scalar(t_name):
        continue
    s, t = float(constant(s_name).reshape(())), float(constant(t_name).reshape(()))
    constant_node[w].attribute[0].t.CopyFrom(nh.from_array((constant(w) * s).astype(np.float32)))
    constant_node[b].attribute[0].t.CopyFrom(nh.from_array((constant(b) * s + t).astype(np.float32)))
    conv.output[0] = add.output[0]
    drop.update((id(mul), id(add)))
    affine += 1

nodes = []
for n in graph.node:
    if id(n) in replace:
        nodes.extend(replace[id(n)])
    elif id(n) not in drop:
        nodes.append(n)
del graph.node[:]
graph.node.extend(nodes)
# Constants the removed nodes used are left out too.
used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
kept = [n for n in graph.node if n.op_type != "Constant" or n.output[0] in used]
del graph.node[:]
graph.node.extend(kept)
onnx.checker.check_model(model)
onnx.save(model, out)
print(f"{out}: {hard_swish} hard-swish subgraphs, {affine} conv affine blocks folded")

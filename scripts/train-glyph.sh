#!/usr/bin/env bash
# Retrains the Q/0 glyph classifier (models/glyph-q0.onnx) and records its new hash and size in
# models/manifest.json. Not part of install or tests: the trained model is committed. ~10 min on 2 cores.
# Usage: scripts/train-glyph.sh [PLATES=3000] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
plates="${1:-3000}"
seed="${2:-1}"
venv=models/training/.venv
data=models/training/.data
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --extra-index-url https://download.pytorch.org/whl/cpu -r models/training/requirements.txt
npx tsx models/training/glyph-dataset.ts "$data" "$plates" "$seed"
"$venv/bin/python" models/training/train_glyph.py "$data" models/glyph-q0.onnx
node scripts/record-model-hash.mjs glyph-q0.onnx

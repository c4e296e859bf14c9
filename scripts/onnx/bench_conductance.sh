#!/usr/bin/env bash
# GoogLeNet's inception4d conductance, Galvani (imported from ONNX) against Captum 0.8 on the same
# torchvision model and weights, one process at a time: 2 images for the error, 4 for the time.
#
#   /usr/bin/python3 scripts/onnx/export_torchvision.py /work/onnx-models
#   scripts/onnx/bench_conductance.sh /work/onnx-models [/tmp/captum]
#
# Both use 50 Gauss-Legendre steps and Captum's discretisation, targets the predicted classes, and
# stop the backward pass at the layer. Galvani sizes its passes by the heap (GALVANI_JAVA_OPTS,
# default -Xmx4g); Captum runs one example's 51 path rows per pass. Peak memory: the JVM's heap
# in use (sampled) and Python's resident set (getrusage).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/work/onnx-models}"
CAPTUM="${2:-/tmp/captum}"
export GALVANI_JAVA_OPTS="${GALVANI_JAVA_OPTS:--Xmx4g}"
for n in 2 4; do
  "$ROOT/galvani" bench onnx "$DIR" --conductance --images "$n" --steps 50 2>&1 | grep -v -e WARNING -e '^$'
  PYTHONPATH="$CAPTUM" /usr/bin/python3 "$ROOT/bench/python/captum_googlenet_bench.py" "$DIR" "$n" 50 2>&1 | grep -v -i warn
done

#!/usr/bin/env bash
# The full-size measurements of docs/onnx.md, one process at a time (each net in its own JVM, then
# PyTorch on the same net, so that no two large processes share the memory):
#
#   /usr/bin/python3 scripts/onnx/export_torchvision.py /work/onnx-models
#   scripts/onnx/bench_full_size.sh /work/onnx-models [nets]
#
# Galvani and ONNX Runtime are timed in the same JVM (./galvani bench onnx), PyTorch right after
# by bench/python/torchvision_forward_bench.py. GALVANI_JAVA_OPTS sets the JVM's heap (default 3g: enough for VGG16 at batch 8, and the machine is shared).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-/work/onnx-models}"
NETS="${2:-googlenet,alexnet,vgg16,mobilenet_v2,resnet101}"
export GALVANI_JAVA_OPTS="${GALVANI_JAVA_OPTS:--Xmx3g}"
for net in ${NETS//,/ }; do
  "$ROOT/galvani" bench onnx "$DIR" --nets "$net" --python none --repeats 3 2>&1 | grep -v -e WARNING -e '^$' | tail -1
  echo "  torch: $(/usr/bin/python3 "$ROOT/bench/python/torchvision_forward_bench.py" "$DIR" "$net" 3 2>/dev/null)"
done

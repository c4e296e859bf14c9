#!/usr/bin/env bash
# Runs the GPU tests (and, once they exist, the GPU benchmarks) on a machine with an NVIDIA GPU
# and a CUDA 12+ driver. Unlike the normal build, where these tests skip without a GPU, a missing
# or unusable GPU fails here (-Dgalvani.requireGpu=true), with the availability reason.
#
# Usage: scripts/gpu-tests.sh [extra maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

gpu_tests="CudaKernelsTest,CudaBackendTest,CudaAvailabilityTest"
mvn -B -pl kernels test -Dgalvani.requireGpu=true -Dtest="$gpu_tests" -Dsurefire.failIfNoSpecifiedTests=false "$@"

# GPU benchmarks: added here when the bench module has CUDA benchmarks (a few seconds each).

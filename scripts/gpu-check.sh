#!/usr/bin/env bash
# The GPU check: the GPU tests, then the GPU benchmarks, everything written to one results file.
#
#   scripts/gpu-check.sh --prepare      on a machine with Maven (no GPU needed): builds the modules
#                                       and puts what the check runs in target/gpu-check/ (the
#                                       modules' classes and tests as jars, their dependencies, the
#                                       JUnit console launcher); about 20 MB, nothing else is needed
#                                       on the GPU machine but a JDK 17+ and the NVIDIA driver.
#   scripts/gpu-check.sh [--out FILE]   on the GPU machine: runs the check from target/gpu-check/
#                                       (prepared first, with Maven, only if it is missing) and
#                                       writes FILE (default target/gpu-check/results.txt).
#
# The tests run with -Dgalvani.requireGpu=true: a GPU test that cannot open the device fails with
# the reason instead of skipping. The benchmarks print each ratio beside its goal:
#   GEMM kernel against cuBLAS at n = 1024 and 4096 (goal >= 0.8x), conductance of 32 images x 50
#   steps on the GPU against the CPU path (goal >= 10x), training images/s GPU against CPU (six
#   architectures), and JMH's CudaPathIntegrationBenchmark (cpu and cuda in one run).
# Without a usable GPU it stops after one line saying why, exit code 3. About 5 minutes on a GPU
# machine with 16 cores; each stage has a time limit (the whole check stays under 8 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=target/gpu-check
out=$dir/results.txt
prepare_only=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --prepare) prepare_only=true; shift ;;
        --out) out="$2"; shift 2 ;;
        *) echo "gpu-check: unknown argument '$1' (use --prepare or --out FILE)" >&2; exit 2 ;;
    esac
done

modules=(kernels engine models attribution bench)

prepare() {
    command -v mvn >/dev/null || { echo "gpu-check: $dir is missing and Maven is not installed to prepare it (run scripts/gpu-check.sh --prepare elsewhere and copy $dir)" >&2; exit 2; }
    rm -rf "$dir"
    mkdir -p "$dir/lib" "$dir/galvani"
    # The modules' jars and their dependencies (test scope for JUnit's engine and JCuda's natives),
    # without ONNX Runtime (80 MB, not used by the GPU check).
    mvn -B -ntp -q -DskipTests -pl "$(IFS=,; echo "${modules[*]}"),jmh" -am package dependency:copy-dependencies \
        -DincludeScope=test -DexcludeArtifactIds=onnxruntime -DexcludeGroupIds=dev.galvani -DoutputDirectory="$root/$dir/lib"
    for m in "${modules[@]}" jmh; do
        jar cf "$dir/galvani/$m.jar" -C "$m/target/classes" .
        [[ -d $m/target/test-classes ]] && jar cf "$dir/galvani/$m-tests.jar" -C "$m/target/test-classes" .
    done
    mvn -B -ntp -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 -DoutputDirectory="$root/$dir"
    # The console launcher brings its own JUnit; the copies from the test scope would clash.
    rm -f "$dir"/lib/junit-*.jar "$dir"/lib/opentest4j-*.jar "$dir"/lib/apiguardian-*.jar
    du -sh "$dir"
}

if $prepare_only; then
    prepare
    exit 0
fi
[[ -d $dir/lib && -d $dir/galvani ]] || prepare

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$java" >/dev/null || { echo "gpu-check: no java on PATH (a JDK 17 or newer is needed)"; exit 2; }
cp=$(printf '%s:' "$dir"/galvani/*.jar "$dir"/lib/*.jar)  # spelled out: JUnit's launcher does not expand '*'
cp=${cp%:}
jvm=(--add-modules jdk.incubator.vector -Xmx16g -Dgalvani.requireGpu=true)

# One line and exit 3 when there is no GPU to check.
if ! probe=$("$java" "${jvm[@]}" -cp "$cp" dev.galvani.bench.CudaBench --probe 2>/dev/null); then
    echo "gpu-check: ${probe:-the probe did not run (java -cp $dir/...: dev.galvani.bench.CudaBench)}"
    exit 3
fi

mkdir -p "$(dirname "$out")"
: > "$out"
say() { echo "$@" | tee -a "$out"; }
status=0

say "# Galvani GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
say "# $probe"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader | sed 's/^/# /' | tee -a "$out"
say "# $("$java" -version 2>&1 | head -1), $(nproc) cores"

say ""
say "## GPU tests (a missing device fails them)"
gpu_tests=(dev.galvani.kernels.cuda.CudaAvailabilityTest dev.galvani.kernels.cuda.CudaKernelsTest dev.galvani.kernels.cuda.CudaBackendTest
           dev.galvani.engine.ops.CudaOpsTest dev.galvani.models.train.CudaTrainingTest dev.galvani.attribution.device.CudaAttributionTest)
select=()
for t in "${gpu_tests[@]}"; do select+=(--select-class "$t"); done
if ! timeout 240 "$java" "${jvm[@]}" -jar "$dir"/junit-platform-console-standalone-*.jar execute -cp "$cp" \
        --details=tree --disable-banner --fail-if-no-tests "${select[@]}" 2>&1 | tee -a "$out"; then
    status=1
    say "GPU TESTS FAILED (the benchmarks run anyway)"
fi

say ""
say "## Benchmarks: GPU against its peer, same run (goals: GEMM >= 0.8x cuBLAS, conductance >= 10x the CPU)"
timeout 240 "$java" "${jvm[@]}" -cp "$cp" dev.galvani.bench.CudaBench 2>&1 | tee -a "$out" || { status=1; say "CudaBench FAILED"; }

say ""
say "## JMH CudaPathIntegrationBenchmark (ms per attribution call of 32 images x 50 steps; cpu and cuda)"
timeout 150 "$java" -cp "$cp" org.openjdk.jmh.Main CudaPathIntegrationBenchmark -wi 1 -w 3 -i 3 -r 3 -f 1 \
    -jvmArgsAppend "--add-modules jdk.incubator.vector -Xmx16g" 2>&1 | grep -v "^# \(Warmup\|Measurement\|Timeout\|Threads\|Benchmark mode\|VM \|JMH \|Blackhole\|Run progress\)" \
    | tee -a "$out" || { status=1; say "JMH FAILED"; }

say ""
say "# exit status $status; results in $out"
exit $status

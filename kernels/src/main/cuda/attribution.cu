// attribution.cu: fused kernels of path methods (docs/methods.md §1.1 to §1.3).

// Path interpolation: the straight-line path x(alpha) = x' + alpha (x - x') from baseline x' to
// input x, for all steps at once, into one batch that the model runs in a single forward pass.
//   out[k, i] = baseline[i % baselineLen] + alphas[k] * (x[i] - baseline[i % baselineLen])
// x is [batch, features] flattened to n = batch * features; out is [steps, batch, features].
// baselineLen = n gives a baseline per example; baselineLen = features shares one across the
// batch (it must divide n). The evaluation order matches Captum's baseline + alpha * (x - baseline).
extern "C" __global__ void path_interpolate(int steps, int n, int baselineLen, const float* alphas,
                                            const float* x, const float* baseline, float* out) {
    long long total = (long long) steps * n;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int i = t % n;
        int k = t / n;
        float b = baseline[i % baselineLen];
        out[t] = b + alphas[k] * (x[i] - b);
    }
}

// Conductance reduction (Captum-compatible form, docs/methods.md §1.3):
//   out[i] = sum_{k = 0 .. nodes-2} g[k, i] * (y[k+1, i] - y[k, i])
// g [nodes, n]: dF/dy at the path nodes (row nodes-1 is not read); y [nodes, n]: the hidden unit's
// activations at the same nodes, in node order. n = batch * units. One thread per unit, summing
// the steps in order, so the result does not depend on the launch configuration.
extern "C" __global__ void conductance_sum(int nodes, int n, const float* g, const float* y,
                                           float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float s = 0.0f;
        for (int k = 0; k + 1 < nodes; k++) {
            long long at = (long long) k * n + i;
            s += g[at] * (y[at + n] - y[at]);
        }
        out[i] = s;
    }
}

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

// ---- the path integral's primitives (CPU reference: dev.galvani.kernels.PathIntegrals) ----------
// A pass holds nk nodes of ne examples; row (k, i) is row k * ne + i, of u values.

// path[(k ne + i) u + j] = b + alpha_k (s - b) for example e0 + i of start s and baseline b;
// tangent (when hasTangent) = s - b.
extern "C" __global__ void path_rows(int nk, int ne, int u, int e0, const float* alpha, const float* s, const float* b,
                                     float* path, int hasTangent, float* tangent) {
    long long total = (long long) nk * ne * u;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int j = (int) (t % u);
        long long row = t / u;
        int i = (int) (row % ne), k = (int) (row / ne);
        long long src = (long long) (e0 + i) * u + j;
        float bj = b[src], dj = s[src] - bj;
        path[t] = bj + alpha[k] * dj;
        if (hasTangent) tangent[t] = dj;
    }
}

// acc[i u + j] += sum_k (float) (w_k g[k, i, j] t[k, i, j]) (t absent: w_k g) for k < nk, in
// order of k: conductance with the exact dy/dalpha, internal influence, integrated gradients.
extern "C" __global__ void path_weighted_sum(int nk, int ne, int u, const double* w, const float* g, int hasT,
                                             const float* t, float* acc) {
    int n = ne * u;
    for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < n; e += blockDim.x * gridDim.x) {
        float a = acc[e];
        for (int k = 0; k < nk; k++) {
            long long r = (long long) k * n + e;
            a += hasT ? (float) (w[k] * g[r] * t[r]) : (float) (w[k] * g[r]);
        }
        acc[e] = a;
    }
}

// Captum's conductance sum over consecutive nodes: acc[i u + j] += sum_{k < nk-1} g[k] (y[k+1] - y[k]).
extern "C" __global__ void path_difference_sum(int nk, int ne, int u, const float* g, const float* y, float* acc) {
    int n = ne * u;
    for (int e = blockIdx.x * blockDim.x + threadIdx.x; e < n; e += blockDim.x * gridDim.x) {
        float a = acc[e];
        for (int k = 0; k + 1 < nk; k++) {
            long long r = (long long) k * n + e;
            a += g[r] * (y[r + n] - y[r]);
        }
        acc[e] = a;
    }
}

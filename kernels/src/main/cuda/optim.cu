// optim.cu: optimiser updates in place, one thread per parameter value. CPU reference:
// dev.galvani.kernels.Optimisers (L2 weight decay added to the gradient, as PyTorch).

// SGD with heavy-ball momentum: v = momentum v + (g + wd w); w -= lr v.
extern "C" __global__ void sgd_step(int n, float* w, const float* g, float* v, float lr, float momentum, float wd) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float gi = g[i] + wd * w[i];
        v[i] = momentum * v[i] + gi;
        w[i] -= lr * v[i];
    }
}

// Adam (Kingma and Ba 2015, Algorithm 1): c1 = 1 - b1^t, c2 = 1 - b2^t are the bias corrections.
extern "C" __global__ void adam_step(int n, float* w, const float* g, float* m, float* v, float lr, float b1, float b2,
                                     float eps, float c1, float c2, float wd) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float gi = g[i] + wd * w[i];
        m[i] = b1 * m[i] + (1.0f - b1) * gi;
        v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
        w[i] -= lr * (m[i] / c1) / ((float) sqrt((double) (v[i] / c2)) + eps);
    }
}

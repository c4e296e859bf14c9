// softmax.cu: row-wise softmax and log-softmax of a [rows, cols] matrix.
//
// CPU reference: m = max_j x[r, j], s = sum_j exp(x[r, j] - m);
//   softmax[r, j] = exp(x[r, j] - m) / s,   log_softmax[r, j] = x[r, j] - m - log(s).
// Subtracting the row maximum keeps exp from overflowing and changes neither result.
// Launch: one block of SOFTMAX_THREADS threads per row, grid (rows).

#define SOFTMAX_THREADS 256

// Tree reduction over the block in shared memory; every thread gets the result.
__device__ float softmax_block_reduce(float v, float* buf, int is_max) {
    int t = threadIdx.x;
    buf[t] = v;
    __syncthreads();
    for (int s = SOFTMAX_THREADS / 2; s > 0; s /= 2) {
        if (t < s) buf[t] = is_max ? fmaxf(buf[t], buf[t + s]) : buf[t] + buf[t + s];
        __syncthreads();
    }
    float r = buf[0];
    __syncthreads();  // buf is reused by the next reduction
    return r;
}

__device__ void softmax_row(int cols, const float* x, float* y, int log_output) {
    __shared__ float buf[SOFTMAX_THREADS];
    const float* xr = x + (long long) blockIdx.x * cols;
    float* yr = y + (long long) blockIdx.x * cols;
    float m = -INFINITY;
    for (int j = threadIdx.x; j < cols; j += SOFTMAX_THREADS) m = fmaxf(m, xr[j]);
    m = softmax_block_reduce(m, buf, 1);
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += SOFTMAX_THREADS) s += expf(xr[j] - m);
    s = softmax_block_reduce(s, buf, 0);
    if (log_output) {
        float logs = logf(s);
        for (int j = threadIdx.x; j < cols; j += SOFTMAX_THREADS) yr[j] = xr[j] - m - logs;
    } else {
        float inv = 1.0f / s;
        for (int j = threadIdx.x; j < cols; j += SOFTMAX_THREADS) yr[j] = expf(xr[j] - m) * inv;
    }
}

extern "C" __global__ void softmax_forward(int rows, int cols, const float* x, float* y) {
    softmax_row(cols, x, y, 0);
}

extern "C" __global__ void log_softmax_forward(int rows, int cols, const float* x, float* y) {
    softmax_row(cols, x, y, 1);
}

// ---- along one axis of [outer, n, inner], one thread per (outer, inner) line ---------------------
// CPU reference: dev.galvani.kernels.Softmaxes (sums over the axis in double, in axis order).

// y = x - max - log sum exp(x - max) along the axis.
extern "C" __global__ void log_softmax_axis(int outer, int n, int inner, const float* x, float* y) {
    int lines = outer * inner;
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < lines; t += blockDim.x * gridDim.x) {
        long long base = (long long) (t / inner) * n * inner + t % inner;
        float m = -INFINITY;
        for (int k = 0; k < n; k++) m = fmaxf(m, x[base + (long long) k * inner]);
        double s = 0;
        for (int k = 0; k < n; k++) s += exp((double) (x[base + (long long) k * inner] - m));
        float lse = m + (float) log(s);
        for (int k = 0; k < n; k++) y[base + (long long) k * inner] = x[base + (long long) k * inner] - lse;
    }
}

// r = p (v - sum p v), given p = softmax: the (symmetric) Jacobian times v.
extern "C" __global__ void softmax_jacobian_axis(int outer, int n, int inner, const float* p, const float* v, float* r) {
    int lines = outer * inner;
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < lines; t += blockDim.x * gridDim.x) {
        long long base = (long long) (t / inner) * n * inner + t % inner;
        double s = 0;
        for (int k = 0; k < n; k++) s += (double) p[base + (long long) k * inner] * v[base + (long long) k * inner];
        for (int k = 0; k < n; k++) {
            long long j = base + (long long) k * inner;
            r[j] = (float) (p[j] * (v[j] - s));
        }
    }
}

// transpose: r = v - exp(y) sum v (the VJP); else r = v - sum exp(y) v (the JVP); y = log-softmax.
extern "C" __global__ void log_softmax_derivative_axis(int outer, int n, int inner, int transpose, const float* y,
                                                       const float* v, float* r) {
    int lines = outer * inner;
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < lines; t += blockDim.x * gridDim.x) {
        long long base = (long long) (t / inner) * n * inner + t % inner;
        double s = 0;
        for (int k = 0; k < n; k++) {
            long long j = base + (long long) k * inner;
            s += transpose ? (double) v[j] : exp((double) y[j]) * v[j];
        }
        for (int k = 0; k < n; k++) {
            long long j = base + (long long) k * inner;
            r[j] = (float) (v[j] - (transpose ? exp((double) y[j]) * s : s));
        }
    }
}

// loss[0] = -(1/n) sum_i ls[i, labels[i]]: one thread, the rows in order.
extern "C" __global__ void cross_entropy_loss(int n, int c, const int* labels, const float* ls, float* loss) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    double s = 0;
    for (int i = 0; i < n; i++) s -= ls[(long long) i * c + labels[i]];
    loss[0] = (float) (s / n);
}

// dx = (probs - onehot(labels)) g[0] / n.
extern "C" __global__ void cross_entropy_backward(int n, int c, const int* labels, const float* probs, const float* g,
                                                  float* dx) {
    float scale = g[0] / n;
    long long total = (long long) n * c;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int i = (int) (t / c), k = (int) (t % c);
        float d = probs[t] * scale;
        if (k == labels[i]) d -= scale;
        dx[t] = d;
    }
}

// out[0] = (1/n) sum_i (sum_k probs t - t[i, labels[i]]): one thread.
extern "C" __global__ void cross_entropy_tangent(int n, int c, const int* labels, const float* probs, const float* t,
                                                 float* out) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    double s = 0;
    for (int i = 0; i < n; i++) {
        double e = 0;
        for (int k = 0; k < c; k++) e += probs[(long long) i * c + k] * t[(long long) i * c + k];
        s += e - t[(long long) i * c + labels[i]];
    }
    out[0] = (float) (s / n);
}

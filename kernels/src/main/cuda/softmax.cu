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

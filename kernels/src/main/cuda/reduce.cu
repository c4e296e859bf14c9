// reduce.cu: sum over one axis.
//
// x is viewed as [outer, len, inner] (the reduced axis in the middle; any axis of a row-major
// tensor can be written so). CPU reference:
//   y[o, i] = scale * sum_a x[o, a, i]     (scale = 1 for sum, 1 / len for mean)
// One thread per output element; neighbouring threads read neighbouring i, so loads coalesce
// whenever inner > 1. Grid-stride loop over outer * inner outputs.
extern "C" __global__ void sum_axis(int outer, int len, int inner, float scale,
                                    const float* x, float* y) {
    int n = outer * inner;
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < n; t += blockDim.x * gridDim.x) {
        int o = t / inner, i = t % inner;
        const float* xo = x + (long long) o * len * inner + i;
        float s = 0.0f;
        for (int a = 0; a < len; a++) s += xo[(long long) a * inner];
        y[t] = scale * s;
    }
}

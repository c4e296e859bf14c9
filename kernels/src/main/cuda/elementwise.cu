// elementwise.cu: binary ops with broadcasting, and unary activations.
//
// The op codes are the ordinals of dev.galvani.kernels.cuda.CudaKernels.BinaryOp / UnaryOp, in the
// same order (CudaSourcesTest checks that the enums below and the Java enums agree).
// All kernels use grid-stride loops, so any grid size covers any n.

enum BinaryOp { BINARY_ADD = 0, BINARY_SUB = 1, BINARY_MUL = 2, BINARY_DIV = 3,
                BINARY_MAX = 4, BINARY_MIN = 5, BINARY_POW = 6 };

enum UnaryOp { UNARY_RELU = 0, UNARY_RELU6 = 1, UNARY_SIGMOID = 2, UNARY_TANH = 3,
               UNARY_EXP = 4, UNARY_LOG = 5 };

__device__ __forceinline__ float binary_apply(int op, float a, float b) {
    switch (op) {
        case BINARY_ADD: return a + b;
        case BINARY_SUB: return a - b;
        case BINARY_MUL: return a * b;
        case BINARY_DIV: return a / b;
        case BINARY_MAX: return fmaxf(a, b);
        case BINARY_MIN: return fminf(a, b);
        case BINARY_POW: return powf(a, b);
        default: return 0.0f;
    }
}

// out[i] = a[ia] op b[ib], where i is a row-major index into the output shape and
// ia = sum_d coord_d(i) * aStride[d] (likewise ib). A broadcast dimension has stride 0, so one
// element of a (or b) serves every coordinate along it; CPU reference: NumPy broadcasting.
// dims (device ints, length 3 * rank): out shape, then a's strides, then b's strides, in elements.
extern "C" __global__ void binary_forward(int op, int n, int rank, const int* dims,
                                          const float* a, const float* b, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        int rem = i, ia = 0, ib = 0;
        for (int d = rank - 1; d >= 0; d--) {
            int size = dims[d];
            int coord = rem % size;
            rem /= size;
            ia += coord * dims[rank + d];
            ib += coord * dims[2 * rank + d];
        }
        out[i] = binary_apply(op, a[ia], b[ib]);
    }
}

// y[i] = f(x[i]) for f in relu = max(x, 0), relu6 = min(max(x, 0), 6), sigmoid = 1 / (1 + e^-x),
// tanh, exp, log; the CPU reference is the engine's Pointwise op of the same name.
extern "C" __global__ void unary_forward(int op, int n, const float* x, float* y) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = x[i];
        float r;
        switch (op) {
            case UNARY_RELU: r = v > 0.0f ? v : 0.0f; break;
            case UNARY_RELU6: r = v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f; break;
            case UNARY_SIGMOID: r = 1.0f / (1.0f + expf(-v)); break;
            case UNARY_TANH: r = tanhf(v); break;
            case UNARY_EXP: r = expf(v); break;
            case UNARY_LOG: r = logf(v); break;
            default: r = 0.0f;
        }
        y[i] = r;
    }
}

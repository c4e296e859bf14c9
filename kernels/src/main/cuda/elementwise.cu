// elementwise.cu: binary ops with broadcasting, unary functions and their derivatives, and the
// reductions over broadcast axes (sums and maxima) that the engine's gradients need.
//
// The op codes are the ordinals of dev.galvani.kernels.BinaryOp / UnaryOp, in the same order
// (CudaSourcesTest checks that the enums below and the Java enums agree); MAX, MIN and POW of the
// binary ops have no Java counterpart. CPU reference: dev.galvani.kernels.Elementwise.
// All kernels use grid-stride loops, so any grid size covers any n.

enum BinaryOp { BINARY_ADD = 0, BINARY_SUB = 1, BINARY_MUL = 2, BINARY_DIV = 3,
                BINARY_MAX = 4, BINARY_MIN = 5, BINARY_POW = 6 };

enum UnaryOp { UNARY_RELU = 0, UNARY_RELU6 = 1, UNARY_SIGMOID = 2, UNARY_TANH = 3,
               UNARY_EXP = 4, UNARY_LOG = 5, UNARY_NEG = 6, UNARY_SQRT = 7, UNARY_POW = 8, UNARY_CLIP = 9 };

#define MAX_RANK 8

// Shapes and strides passed by value (no upload, no synchronisation): up to three arrays of rank
// MAX_RANK, laid out as each kernel says.
struct Dims { int v[3 * MAX_RANK]; };

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
// tanh, exp, log, -x, sqrt, x^p, clip to [p, q]; the CPU reference is Elementwise.unary.
extern "C" __global__ void unary_forward(int op, float p, float q, int n, const float* x, float* y) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float v = x[i];
        float r;
        switch (op) {
            case UNARY_RELU: r = v > 0.0f ? v : 0.0f; break;
            case UNARY_RELU6: r = v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f; break;
            case UNARY_SIGMOID: r = (float) (1.0 / (1.0 + exp(-(double) v))); break;
            case UNARY_TANH: r = (float) tanh((double) v); break;
            case UNARY_EXP: r = (float) exp((double) v); break;
            case UNARY_LOG: r = (float) log((double) v); break;
            case UNARY_NEG: r = -v; break;
            case UNARY_SQRT: r = (float) sqrt((double) v); break;
            case UNARY_POW: r = (float) pow((double) v, (double) p); break;
            case UNARY_CLIP: r = v < p ? p : (v > q ? q : v); break;
            default: r = 0.0f;
        }
        y[i] = r;
    }
}

// r[i] = v[i] * f'(x[i]), where f' may read y = f(x) (CPU reference: Elementwise.derivative).
// relu and relu6 pass v where 0 < x < upper (NaN: 0) and write +0 elsewhere, as the CPU's bit mask.
extern "C" __global__ void unary_derivative(int op, float p, float q, int n, const float* x, const float* y,
                                            const float* v, float* r) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        float a = x[i], d;
        switch (op) {
            case UNARY_RELU: r[i] = a > 0.0f ? v[i] : 0.0f; continue;
            case UNARY_RELU6: r[i] = a > 0.0f && a < 6.0f ? v[i] : 0.0f; continue;
            case UNARY_SIGMOID: d = y[i] * (1.0f - y[i]); break;
            case UNARY_TANH: d = 1.0f - y[i] * y[i]; break;
            case UNARY_EXP: d = y[i]; break;
            case UNARY_LOG: d = 1.0f / a; break;
            case UNARY_NEG: d = -1.0f; break;
            case UNARY_SQRT: d = 0.5f / y[i]; break;
            case UNARY_POW: d = p == 0.0f ? 0.0f : (float) ((double) p * pow((double) a, (double) p - 1.0)); break;
            case UNARY_CLIP: d = a >= p && a <= q ? 1.0f : 0.0f; break;
            default: d = 0.0f;
        }
        r[i] = v[i] * d;
    }
}

// out[i] = x[ix] with ix = sum_d coord_d(i) * xStride[d], x broadcast to the output shape.
// dims (length 2 * rank): the output shape, then x's strides (0 on a broadcast axis).
extern "C" __global__ void broadcast_forward(int n, int rank, Dims dims, const float* x, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        int rem = i, ix = 0;
        for (int d = rank - 1; d >= 0; d--) {
            int coord = rem % dims.v[d];
            rem /= dims.v[d];
            ix += coord * dims.v[rank + d];
        }
        out[i] = x[ix];
    }
}

// For output j of x summed (or maximised) down to `kept` (1 on each reduced axis, same rank as x):
// the input offset of its first element and a walk over the reduced axes in row-major order, so
// each output adds (compares) its inputs in increasing flat order, as the CPU reference does.
// dims (length 2 * rank): x's shape, then kept.
__device__ __forceinline__ int reduce_base(int j, int rank, const Dims& dims) {
    int rem = j, base = 0, stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
        int size = dims.v[rank + d];
        int coord = rem % size;
        rem /= size;
        base += coord * stride;
        stride *= dims.v[d];
    }
    return base;
}

__device__ __forceinline__ int reduce_offset(int r, int rank, const Dims& dims) {
    int off = 0, stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
        int size = dims.v[d];
        if (dims.v[rank + d] == 1 && size > 1) {
            off += (r % size) * stride;
            r /= size;
        }
        stride *= size;
    }
    return off;
}

// out[j] += sum of x over the reduced axes (CPU reference: Elementwise.sumTo). count: the number
// of inputs per output (product of the reduced axes).
extern "C" __global__ void sum_to(int nOut, int count, int rank, Dims dims, const float* x, float* out) {
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < nOut; j += blockDim.x * gridDim.x) {
        int base = reduce_base(j, rank, dims);
        float s = out[j];
        for (int r = 0; r < count; r++) s += x[base + reduce_offset(r, rank, dims)];
        out[j] = s;
    }
}

// out[j] = max of x over the reduced axes and argmax[j] its first flat index (ties: the lowest);
// CPU reference: Elementwise.maxTo.
extern "C" __global__ void max_to(int nOut, int count, int rank, Dims dims, const float* x, float* out, int* argmax) {
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < nOut; j += blockDim.x * gridDim.x) {
        int base = reduce_base(j, rank, dims), best = -1;
        float m = -INFINITY;
        for (int r = 0; r < count; r++) {
            int at = base + reduce_offset(r, rank, dims);
            float v = x[at];
            if (best < 0 || v > m) {
                m = v;
                best = at;
            }
        }
        out[j] = m;
        argmax[j] = best;
    }
}

// out[i] = a[ia] op b[ib] as binary_forward, with the shape and strides by value (the engine's
// broadcasting ops launch this one: no upload, no synchronisation). dims: out shape, a's strides,
// b's strides.
extern "C" __global__ void binary_broadcast(int op, int n, int rank, Dims dims, const float* a, const float* b, float* out) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        int rem = i, ia = 0, ib = 0;
        for (int d = rank - 1; d >= 0; d--) {
            int coord = rem % dims.v[d];
            rem /= dims.v[d];
            ia += coord * dims.v[rank + d];
            ib += coord * dims.v[2 * rank + d];
        }
        out[i] = binary_apply(op, a[ia], b[ib]);
    }
}

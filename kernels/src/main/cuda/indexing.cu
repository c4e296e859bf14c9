// indexing.cu: gathers and scatter-adds of blocks by integer index, strided block copies and axis
// permutations. CPU reference: dev.galvani.kernels.Indexing.

// out[j * block + b] = x[idx[j] * block + b], or fill where idx[j] < 0.
extern "C" __global__ void gather_blocks(int count, int block, float fill, const int* idx, const float* x, float* out) {
    long long n = (long long) count * block;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < n; t += (long long) blockDim.x * gridDim.x) {
        int j = (int) (t / block), b = (int) (t % block);
        int r = idx[j];
        out[t] = r < 0 ? fill : x[(long long) r * block + b];
    }
}

// out[idx[j] * block + b] += g[j * block + b], skipping idx[j] < 0. Indices may repeat (token ids,
// overlapping windows), so the adds are atomic: the sums are those of the CPU, in an order that
// may differ from its order of j (float rounding may differ in the last bits).
extern "C" __global__ void scatter_add_blocks(int count, int block, const int* idx, const float* g, float* out) {
    long long n = (long long) count * block;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < n; t += (long long) blockDim.x * gridDim.x) {
        int j = (int) (t / block), b = (int) (t % block);
        int r = idx[j];
        if (r >= 0) atomicAdd(out + (long long) r * block + b, g[t]);
    }
}

// blocks runs of len values from src[i * srcStride] to dst[i * dstStride] (the pointers carry the
// offsets); srcStride 0 repeats one run (a bias into every row).
extern "C" __global__ void copy_strided(int len, int blocks, const float* src, int srcStride, float* dst, int dstStride) {
    long long n = (long long) len * blocks;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < n; t += (long long) blockDim.x * gridDim.x) {
        int i = (int) (t / len), j = (int) (t % len);
        dst[(long long) i * dstStride + j] = src[(long long) i * srcStride + j];
    }
}

// out[f] = x[src(f)]: output axis i is input axis axes[i]. dims (length 2 * rank): the output
// shape, then the input stride of each output axis.
struct PermuteDims { int v[16]; };

extern "C" __global__ void permute_forward(int n, int rank, PermuteDims dims, const float* x, float* out) {
    for (int f = blockIdx.x * blockDim.x + threadIdx.x; f < n; f += blockDim.x * gridDim.x) {
        int rem = f, src = 0;
        for (int d = rank - 1; d >= 0; d--) {
            int coord = rem % dims.v[d];
            rem /= dims.v[d];
            src += coord * dims.v[rank + d];
        }
        out[f] = x[src];
    }
}

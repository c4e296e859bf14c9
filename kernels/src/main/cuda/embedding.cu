// embedding.cu: embedding lookup (gather of table rows).
//
// CPU reference: out[t, d] = table[idx[t], d] for t < count, d < dim; table [vocab, dim].
// Indices are validated on the host (CudaKernels.embedding) before launch: a kernel cannot throw.
extern "C" __global__ void embedding_forward(int count, int dim, const int* idx,
                                             const float* table, float* out) {
    long long total = (long long) count * dim;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int d = t % dim;
        long long row = idx[t / dim];
        out[t] = table[row * dim + d];
    }
}

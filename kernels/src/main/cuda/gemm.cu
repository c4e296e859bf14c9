// gemm.cu: single-precision GEMM, row-major, C = alpha * op(A) op(B) + beta * C.
//
// CPU reference: dev.galvani.kernels.Gemm.naive, i.e. for i < M, j < N:
//   C[i, j] = alpha * sum_p op(A)[i, p] * op(B)[p, j] + beta * C[i, j]
// op(A) is [M, K]: A is stored [M, K] with leading dimension lda, or [K, M] when transA != 0.
// op(B) is [K, N]: B is stored [K, N] with leading dimension ldb, or [N, K] when transB != 0.
// beta == 0 means C is not read (BLAS convention), so NaN in an uninitialised C does not leak.
//
// Version 1 is the plain tiled kernel; version 2 adds register blocking and is the default.
// Launchers: dev.galvani.kernels.cuda.CudaKernels.sgemm.

__device__ __forceinline__ float gemm_load_a(const float* a, int lda, int transA, int i, int p) {
    return transA ? a[(long long) p * lda + i] : a[(long long) i * lda + p];
}

__device__ __forceinline__ float gemm_load_b(const float* b, int ldb, int transB, int p, int j) {
    return transB ? b[(long long) j * ldb + p] : b[(long long) p * ldb + j];
}

__device__ __forceinline__ void gemm_store(float* c, int ldc, int i, int j, float alpha, float acc, float beta) {
    long long ci = (long long) i * ldc + j;
    c[ci] = beta == 0.0f ? alpha * acc : alpha * acc + beta * c[ci];
}

// Version 1: one thread per C element; 16x16 tiles of op(A) and op(B) staged in shared memory so
// each global element is read once per tile instead of once per output.
// Launch: block (16, 16), grid (ceil(N / 16), ceil(M / 16)).
#define GEMM1_TILE 16
extern "C" __global__ void sgemm_v1(int transA, int transB, int M, int N, int K, float alpha,
                                    const float* A, int lda, const float* B, int ldb,
                                    float beta, float* C, int ldc) {
    __shared__ float As[GEMM1_TILE][GEMM1_TILE];      // op(A)[row, p0 + tx]
    __shared__ float Bs[GEMM1_TILE][GEMM1_TILE + 1];  // op(B)[p0 + ty, col]; +1 avoids bank conflicts
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * GEMM1_TILE + ty;
    int col = blockIdx.x * GEMM1_TILE + tx;
    float acc = 0.0f;
    for (int p0 = 0; p0 < K; p0 += GEMM1_TILE) {
        int pa = p0 + tx, pb = p0 + ty;
        As[ty][tx] = (row < M && pa < K) ? gemm_load_a(A, lda, transA, row, pa) : 0.0f;
        Bs[ty][tx] = (pb < K && col < N) ? gemm_load_b(B, ldb, transB, pb, col) : 0.0f;
        __syncthreads();
        for (int p = 0; p < GEMM1_TILE; p++) {
            acc += As[ty][p] * Bs[p][tx];
        }
        __syncthreads();
    }
    if (row < M && col < N) {
        gemm_store(C, ldc, row, col, alpha, acc, beta);
    }
}

// Version 2: a 64x64 block tile, 256 threads, each thread accumulating a 4x4 register tile, so
// every shared-memory load feeds 4 multiply-adds instead of 1. Thread (tx, ty) owns rows
// ty + 16 * r and columns tx + 16 * s (r, s < 4): neighbouring threads touch neighbouring columns,
// which keeps shared reads conflict-free and global stores coalesced.
// Launch: block (256), grid (ceil(N / 64), ceil(M / 64)).
#define GEMM2_BM 64
#define GEMM2_BN 64
#define GEMM2_BK 16
#define GEMM2_THREADS 256
extern "C" __global__ void sgemm_v2(int transA, int transB, int M, int N, int K, float alpha,
                                    const float* A, int lda, const float* B, int ldb,
                                    float beta, float* C, int ldc) {
    __shared__ float As[GEMM2_BK][GEMM2_BM];  // As[p][i] = op(A)[row0 + i, p0 + p]
    __shared__ float Bs[GEMM2_BK][GEMM2_BN];  // Bs[p][j] = op(B)[p0 + p, col0 + j]
    int tid = threadIdx.x;
    int tx = tid % 16, ty = tid / 16;
    int row0 = blockIdx.y * GEMM2_BM, col0 = blockIdx.x * GEMM2_BN;
    float acc[4][4];
    for (int r = 0; r < 4; r++)
        for (int s = 0; s < 4; s++) acc[r][s] = 0.0f;

    for (int p0 = 0; p0 < K; p0 += GEMM2_BK) {
        // Stage the tiles; the index order follows the storage order so global reads coalesce.
        for (int l = tid; l < GEMM2_BM * GEMM2_BK; l += GEMM2_THREADS) {
            int i = transA ? l % GEMM2_BM : l / GEMM2_BK;
            int p = transA ? l / GEMM2_BM : l % GEMM2_BK;
            int gi = row0 + i, gp = p0 + p;
            As[p][i] = (gi < M && gp < K) ? gemm_load_a(A, lda, transA, gi, gp) : 0.0f;
        }
        for (int l = tid; l < GEMM2_BK * GEMM2_BN; l += GEMM2_THREADS) {
            int j = transB ? l / GEMM2_BK : l % GEMM2_BN;
            int p = transB ? l % GEMM2_BK : l / GEMM2_BN;
            int gj = col0 + j, gp = p0 + p;
            Bs[p][j] = (gp < K && gj < N) ? gemm_load_b(B, ldb, transB, gp, gj) : 0.0f;
        }
        __syncthreads();
        for (int p = 0; p < GEMM2_BK; p++) {
            float a[4], b[4];
            for (int r = 0; r < 4; r++) a[r] = As[p][ty + 16 * r];
            for (int s = 0; s < 4; s++) b[s] = Bs[p][tx + 16 * s];
            for (int r = 0; r < 4; r++)
                for (int s = 0; s < 4; s++) acc[r][s] += a[r] * b[s];
        }
        __syncthreads();
    }
    for (int r = 0; r < 4; r++) {
        int i = row0 + ty + 16 * r;
        for (int s = 0; s < 4; s++) {
            int j = col0 + tx + 16 * s;
            if (i < M && j < N) gemm_store(C, ldc, i, j, alpha, acc[r][s], beta);
        }
    }
}

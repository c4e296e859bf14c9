// conv.cu: im2col / col2im, max and average pooling (forward and backward), batch norm (inference).
//
// Shapes: x [N, C, H, W]; a KH x KW window with stride (SH, SW) and zero padding (PH, PW) gives
//   OH = (H + 2 PH - KH) / SH + 1,   OW = (W + 2 PW - KW) / SW + 1      (floor, as PyTorch)
// Input position of output (oh, ow) at window offset (kh, kw): h = oh SH - PH + kh, w = ow SW - PW + kw.
// Launchers: dev.galvani.kernels.cuda.CudaKernels, geometry in dev.galvani.kernels.cuda.Window2d.
// All kernels use grid-stride loops over their outputs and never write one element twice, so
// they need no atomics and their results do not depend on scheduling.

// col [N, C*KH*KW, OH*OW]: col[n, (c KH + kh) KW + kw, oh OW + ow] = x[n, c, h, w], 0 in the padding.
// A convolution with weight [OC, C*KH*KW] is then one GEMM per image: y[n] = weight @ col[n].
extern "C" __global__ void im2col(int N, int C, int H, int W, int KH, int KW, int SH, int SW,
                                  int PH, int PW, int OH, int OW, const float* x, float* col) {
    long long total = (long long) N * C * KH * KW * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int ow = t % OW;
        int oh = (t / OW) % OH;
        int kw = (t / ((long long) OW * OH)) % KW;
        int kh = (t / ((long long) OW * OH * KW)) % KH;
        long long nc = t / ((long long) OW * OH * KW * KH);  // n * C + c
        int h = oh * SH - PH + kh, w = ow * SW - PW + kw;
        col[t] = (h >= 0 && h < H && w >= 0 && w < W) ? x[(nc * H + h) * W + w] : 0.0f;
    }
}

// The adjoint of im2col: x[n, c, h, w] = sum of col entries that im2col copied from (n, c, h, w),
// i.e. sum over (kh, kw) with h = oh SH - PH + kh, w = ow SW - PW + kw for some valid (oh, ow).
// Gathered per input element (one thread each) rather than scattered, so no atomics.
// Overwrites x. This is the input gradient of a convolution given col = weight^T @ gradOut.
extern "C" __global__ void col2im(int N, int C, int H, int W, int KH, int KW, int SH, int SW,
                                  int PH, int PW, int OH, int OW, const float* col, float* x) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int w = t % W;
        int h = (t / W) % H;
        long long nc = t / ((long long) W * H);
        float s = 0.0f;
        for (int kh = 0; kh < KH; kh++) {
            int hs = h + PH - kh;  // = oh * SH
            if (hs < 0 || hs % SH != 0 || hs / SH >= OH) continue;
            int oh = hs / SH;
            for (int kw = 0; kw < KW; kw++) {
                int ws = w + PW - kw;
                if (ws < 0 || ws % SW != 0 || ws / SW >= OW) continue;
                int ow = ws / SW;
                s += col[((nc * KH + kh) * KW + kw) * OH * OW + (long long) oh * OW + ow];
            }
        }
        x[t] = s;
    }
}

// The output rows oh whose window covers input row h: oh SH - PH <= h < oh SH - PH + KH.
__device__ __forceinline__ void pool_covering(int h, int K, int S, int P, int O, int* lo, int* hi) {
    *lo = (h + P < K) ? 0 : (h + P - K) / S + 1;
    int e = (h + P) / S + 1;
    *hi = e < O ? e : O;
}

// y[n, c, oh, ow] = max over the window of x (padding never wins), argmax = h W + w of the first
// maximum in row-major window order; a NaN wins and stays, as in PyTorch's max_pool2d.
extern "C" __global__ void maxpool2d_forward(int N, int C, int H, int W, int KH, int KW,
                                             int SH, int SW, int PH, int PW, int OH, int OW,
                                             const float* x, float* y, int* argmax) {
    long long total = (long long) N * C * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int ow = t % OW;
        int oh = (t / OW) % OH;
        const float* xp = x + (t / ((long long) OW * OH)) * H * W;
        float m = -INFINITY;
        int arg = -1;
        for (int kh = 0; kh < KH; kh++) {
            int h = oh * SH - PH + kh;
            if (h < 0 || h >= H) continue;
            for (int kw = 0; kw < KW; kw++) {
                int w = ow * SW - PW + kw;
                if (w < 0 || w >= W) continue;
                float v = xp[h * W + w];
                if (v > m || isnan(v) || arg < 0) { m = v; arg = h * W + w; }
            }
        }
        y[t] = m;
        argmax[t] = arg;
    }
}

// gx[n, c, h, w] = sum of gy[n, c, oh, ow] over the windows whose argmax is (h, w). Overwrites gx.
extern "C" __global__ void maxpool2d_backward(int N, int C, int H, int W, int KH, int KW,
                                              int SH, int SW, int PH, int PW, int OH, int OW,
                                              const float* gy, const int* argmax, float* gx) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int w = t % W;
        int h = (t / W) % H;
        long long plane = (t / ((long long) W * H)) * OH * OW;
        int oh0, oh1, ow0, ow1;
        pool_covering(h, KH, SH, PH, OH, &oh0, &oh1);
        pool_covering(w, KW, SW, PW, OW, &ow0, &ow1);
        float s = 0.0f;
        for (int oh = oh0; oh < oh1; oh++)
            for (int ow = ow0; ow < ow1; ow++) {
                long long o = plane + (long long) oh * OW + ow;
                if (argmax[o] == h * W + w) s += gy[o];
            }
        gx[t] = s;
    }
}

// y[n, c, oh, ow] = (1 / (KH KW)) sum over the window of x, padding counted as zeros
// (PyTorch avg_pool2d defaults: count_include_pad=True, ceil_mode=False).
extern "C" __global__ void avgpool2d_forward(int N, int C, int H, int W, int KH, int KW,
                                             int SH, int SW, int PH, int PW, int OH, int OW,
                                             const float* x, float* y) {
    long long total = (long long) N * C * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int ow = t % OW;
        int oh = (t / OW) % OH;
        const float* xp = x + (t / ((long long) OW * OH)) * H * W;
        float s = 0.0f;
        for (int kh = 0; kh < KH; kh++) {
            int h = oh * SH - PH + kh;
            if (h < 0 || h >= H) continue;
            for (int kw = 0; kw < KW; kw++) {
                int w = ow * SW - PW + kw;
                if (w >= 0 && w < W) s += xp[h * W + w];
            }
        }
        y[t] = s / (float) (KH * KW);
    }
}

// gx[n, c, h, w] = (1 / (KH KW)) sum of gy over the windows that cover (h, w). Overwrites gx.
extern "C" __global__ void avgpool2d_backward(int N, int C, int H, int W, int KH, int KW,
                                              int SH, int SW, int PH, int PW, int OH, int OW,
                                              const float* gy, float* gx) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int w = t % W;
        int h = (t / W) % H;
        long long plane = (t / ((long long) W * H)) * OH * OW;
        int oh0, oh1, ow0, ow1;
        pool_covering(h, KH, SH, PH, OH, &oh0, &oh1);
        pool_covering(w, KW, SW, PW, OW, &ow0, &ow1);
        float s = 0.0f;
        for (int oh = oh0; oh < oh1; oh++)
            for (int ow = ow0; ow < ow1; ow++) s += gy[plane + (long long) oh * OW + ow];
        gx[t] = s / (float) (KH * KW);
    }
}

// Batch norm in inference mode over x [N, C, inner] (inner = H W for images, 1 for features):
//   y[n, c, i] = (x[n, c, i] - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c]
extern "C" __global__ void batchnorm_forward(int N, int C, int inner, const float* x,
                                             const float* mean, const float* var,
                                             const float* gamma, const float* beta,
                                             float eps, float* y) {
    long long total = (long long) N * C * inner;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total;
         t += (long long) blockDim.x * gridDim.x) {
        int c = (t / inner) % C;
        y[t] = (x[t] - mean[c]) / sqrtf(var[c] + eps) * gamma[c] + beta[c];
    }
}

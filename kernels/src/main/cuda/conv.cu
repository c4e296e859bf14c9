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

// ---- the engine's convolution, pooling and batch norm (CPU reference: dev.galvani.kernels
// Convolution, Pooling2d, BatchNormalization), with dilation and per-axis padding -------------------
// A convolution runs per group and chunk of nc images as an unfolding into col [k, nc p]
// (k = cg KH KW, p = OH OW), one GEMM, and a copy of the result into y [N, O, OH, OW].

// col[((ci KH + a) KW + b) nc p + i p + oh OW + ow] = x[n0 + i, c0 + ci, oh SH - PH + a DH, ow SW - PW + b DW], 0 outside.
extern "C" __global__ void unfold(int nc, int n0, int C, int H, int W, int c0, int cg, int KH, int KW, int SH, int SW,
                                  int PH, int PW, int DH, int DW, int OH, int OW, const float* x, float* col) {
    int p = OH * OW;
    long long ld = (long long) nc * p, total = (long long) cg * KH * KW * ld;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        long long row = t / ld;
        int colIdx = (int) (t % ld), i = colIdx / p, q = colIdx % p;
        int b = (int) (row % KW), a = (int) ((row / KW) % KH), ci = (int) (row / (KH * KW));
        int ih = (q / OW) * SH - PH + a * DH, iw = (q % OW) * SW - PW + b * DW;
        col[t] = ih >= 0 && ih < H && iw >= 0 && iw < W
                ? x[(((long long) (n0 + i) * C + c0 + ci) * H + ih) * W + iw] : 0.0f;
    }
}

// The adjoint of unfold, added into dx: each input element sums the col entries it was copied to.
extern "C" __global__ void fold_add(int nc, int n0, int C, int H, int W, int c0, int cg, int KH, int KW, int SH, int SW,
                                    int PH, int PW, int DH, int DW, int OH, int OW, const float* col, float* dx) {
    int p = OH * OW;
    long long ld = (long long) nc * p, total = (long long) nc * cg * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % W), ih = (int) ((t / W) % H), ci = (int) ((t / ((long long) W * H)) % cg);
        int i = (int) (t / ((long long) W * H * cg));
        float s = 0.0f;
        for (int a = 0; a < KH; a++) {
            int hh = ih + PH - a * DH;
            if (hh < 0 || hh % SH != 0 || hh / SH >= OH) continue;
            for (int b = 0; b < KW; b++) {
                int ww = iw + PW - b * DW;
                if (ww < 0 || ww % SW != 0 || ww / SW >= OW) continue;
                s += col[((long long) (ci * KH + a) * KW + b) * ld + (long long) i * p + (hh / SH) * OW + ww / SW];
            }
        }
        dx[(((long long) (n0 + i) * C + c0 + ci) * H + ih) * W + iw] += s;
    }
}

// Between a group's rows [og, nc p] and y [N, O, p]: toNchw writes y (channels c0..c0+og-1 of
// images n0..n0+nc-1) from rows, else rows from y.
extern "C" __global__ void group_rows(int toNchw, int nc, int n0, int og, int O, int c0, int p, float* rows, float* y) {
    long long ld = (long long) nc * p, total = (long long) og * ld;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int oc = (int) (t / ld), rem = (int) (t % ld), i = rem / p, q = rem % p;
        long long at = ((long long) (n0 + i) * O + c0 + oc) * p + q;
        if (toNchw) y[at] = rows[t];
        else rows[t] = y[at];
    }
}

// y[n, c, q] += b[c].
extern "C" __global__ void channel_bias_add(int N, int C, int p, const float* b, float* y) {
    long long total = (long long) N * C * p;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        y[t] += b[(t / p) % C];
    }
}

// gb[c] += sum_n (float) (sum_q gy[n, c, q] in double): one thread per channel, images in order.
extern "C" __global__ void channel_bias_grad(int N, int C, int p, const float* gy, float* gb) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < C; c += blockDim.x * gridDim.x) {
        float acc = gb[c];
        for (int n = 0; n < N; n++) {
            double s = 0;
            const float* g = gy + ((long long) n * C + c) * p;
            for (int q = 0; q < p; q++) s += g[q];
            acc += (float) s;
        }
        gb[c] = acc;
    }
}

// Depthwise convolution (one input and one output channel per group), direct: y [N, C, OH, OW].
extern "C" __global__ void depthwise_forward(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW,
                                             int DH, int DW, int OH, int OW, const float* x, const float* w, float* y) {
    long long total = (long long) N * C * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int ow = (int) (t % OW), oh = (int) ((t / OW) % OH);
        long long plane = t / ((long long) OW * OH);
        int c = (int) (plane % C);
        float s = 0.0f;
        for (int a = 0; a < KH; a++) {
            int ih = oh * SH - PH + a * DH;
            if (ih < 0 || ih >= H) continue;
            for (int b = 0; b < KW; b++) {
                int iw = ow * SW - PW + b * DW;
                if (iw >= 0 && iw < W) s += w[(c * KH + a) * KW + b] * x[(plane * H + ih) * W + iw];
            }
        }
        y[t] = s;
    }
}

// dx += the adjoint of depthwise_forward (each input element gathers its outputs).
extern "C" __global__ void depthwise_backward_input(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH,
                                                    int PW, int DH, int DW, int OH, int OW, const float* gy, const float* w,
                                                    float* dx) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % W), ih = (int) ((t / W) % H);
        long long plane = t / ((long long) W * H);
        int c = (int) (plane % C);
        float s = 0.0f;
        for (int a = 0; a < KH; a++) {
            int hh = ih + PH - a * DH;
            if (hh < 0 || hh % SH != 0 || hh / SH >= OH) continue;
            for (int b = 0; b < KW; b++) {
                int ww = iw + PW - b * DW;
                if (ww < 0 || ww % SW != 0 || ww / SW >= OW) continue;
                s += w[(c * KH + a) * KW + b] * gy[(plane * OH + hh / SH) * OW + ww / SW];
            }
        }
        dx[t] += s;
    }
}

// dw[c, a, b] += sum over images and outputs of gy * x (one thread per weight, in double).
extern "C" __global__ void depthwise_backward_weight(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH,
                                                     int PW, int DH, int DW, int OH, int OW, const float* gy, const float* x,
                                                     float* dw) {
    int total = C * KH * KW;
    for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < total; t += blockDim.x * gridDim.x) {
        int b = t % KW, a = (t / KW) % KH, c = t / (KH * KW);
        double s = 0;
        for (int n = 0; n < N; n++) {
            long long plane = (long long) n * C + c;
            for (int oh = 0; oh < OH; oh++) {
                int ih = oh * SH - PH + a * DH;
                if (ih < 0 || ih >= H) continue;
                for (int ow = 0; ow < OW; ow++) {
                    int iw = ow * SW - PW + b * DW;
                    if (iw >= 0 && iw < W) s += (double) gy[(plane * OH + oh) * OW + ow] * x[(plane * H + ih) * W + iw];
                }
            }
        }
        dw[t] += (float) s;
    }
}

// Pooling over x [N, C, H, W] with kernel KH x KW, strides, top/left padding PT/PL, dilation;
// OH, OW given (they carry the bottom/right padding and ceil mode).

// Max, padding as -inf, the first maximum in row-major order (a NaN wins) and its flat input
// index; argmax -1 marks a window wholly in the padding (the caller refuses it).
extern "C" __global__ void pool_max(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL,
                                    int DH, int DW, int OH, int OW, const float* x, float* y, int* argmax) {
    long long total = (long long) N * C * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int ow = (int) (t % OW), oh = (int) ((t / OW) % OH);
        long long base = (t / ((long long) OW * OH)) * H * W;
        int best = -1;
        float m = -INFINITY;
        for (int a = 0; a < KH; a++) {
            int ih = oh * SH - PT + a * DH;
            if (ih < 0 || ih >= H) continue;
            for (int b = 0; b < KW; b++) {
                int iw = ow * SW - PL + b * DW;
                if (iw < 0 || iw >= W) continue;
                float v = x[base + ih * W + iw];
                if (best < 0 || v > m || (isnan(v) && !isnan(m))) {
                    m = v;
                    best = (int) (base + ih * W + iw);
                }
            }
        }
        y[t] = m;
        argmax[t] = best;
    }
}

// gx += the gradient of pool_max: each input element gathers gy of the windows whose maximum it
// is, windows in increasing output order (the CPU's order of adds).
extern "C" __global__ void pool_max_backward(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL,
                                             int DH, int DW, int OH, int OW, const float* gy, const int* argmax, float* gx) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % W), ih = (int) ((t / W) % H);
        long long plane = t / ((long long) W * H);
        float s = gx[t];
        for (int a = KH - 1; a >= 0; a--) {
            int hh = ih + PT - a * DH;
            if (hh < 0 || hh % SH != 0 || hh / SH >= OH) continue;
            for (int b = KW - 1; b >= 0; b--) {
                int ww = iw + PL - b * DW;
                if (ww < 0 || ww % SW != 0 || ww / SW >= OW) continue;
                long long o = (plane * OH + hh / SH) * OW + ww / SW;
                if (argmax[o] == t) s += gy[o];
            }
        }
        gx[t] = s;
    }
}

// Taps of a window starting at `start` that the divisor counts: inside [lo, hi).
__device__ __forceinline__ int pool_count(int start, int k, int d, int lo, int hi) {
    int c = 0;
    for (int i = 0; i < k; i++) {
        int at = start + i * d;
        if (at >= lo && at < hi) c++;
    }
    return c < 1 ? 1 : c;
}

__device__ __forceinline__ float pool_scale(int oh, int ow, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL,
                                            int PB, int PR, int DH, int DW, int includePad) {
    int ch = includePad ? pool_count(oh * SH - PT, KH, DH, -PT, H + PB) : pool_count(oh * SH - PT, KH, DH, 0, H);
    int cw = includePad ? pool_count(ow * SW - PL, KW, DW, -PL, W + PR) : pool_count(ow * SW - PL, KW, DW, 0, W);
    return 1.0f / (ch * cw);
}

// Average: the window's sum (row-major) times 1 / divisor.
extern "C" __global__ void pool_avg(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL, int PB,
                                    int PR, int DH, int DW, int OH, int OW, int includePad, const float* x, float* y) {
    long long total = (long long) N * C * OH * OW;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int ow = (int) (t % OW), oh = (int) ((t / OW) % OH);
        long long base = (t / ((long long) OW * OH)) * H * W;
        float s = 0.0f;
        for (int a = 0; a < KH; a++) {
            int ih = oh * SH - PT + a * DH;
            if (ih < 0 || ih >= H) continue;
            for (int b = 0; b < KW; b++) {
                int iw = ow * SW - PL + b * DW;
                if (iw >= 0 && iw < W) s += x[base + ih * W + iw];
            }
        }
        y[t] = s * pool_scale(oh, ow, H, W, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW, includePad);
    }
}

// gx += the gradient of pool_avg, windows in increasing output order.
extern "C" __global__ void pool_avg_backward(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL,
                                             int PB, int PR, int DH, int DW, int OH, int OW, int includePad,
                                             const float* gy, float* gx) {
    long long total = (long long) N * C * H * W;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int iw = (int) (t % W), ih = (int) ((t / W) % H);
        long long plane = t / ((long long) W * H);
        float s = gx[t];
        for (int a = KH - 1; a >= 0; a--) {
            int hh = ih + PT - a * DH;
            if (hh < 0 || hh % SH != 0 || hh / SH >= OH) continue;
            for (int b = KW - 1; b >= 0; b--) {
                int ww = iw + PL - b * DW;
                if (ww < 0 || ww % SW != 0 || ww / SW >= OW) continue;
                int oh = hh / SH, ow = ww / SW;
                s += gy[(plane * OH + oh) * OW + ow] * pool_scale(oh, ow, H, W, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW, includePad);
            }
        }
        gx[t] = s;
    }
}

// Batch norm over x [N, C, inner]: block reductions per channel (one block of BN_THREADS per
// channel, sums in double, a fixed tree: deterministic; the CPU adds in another order).
#define BN_THREADS 256

__device__ double bn_block_sum(double v, double* buf) {
    int t = threadIdx.x;
    buf[t] = v;
    __syncthreads();
    for (int s = BN_THREADS / 2; s > 0; s /= 2) {
        if (t < s) buf[t] += buf[t + s];
        __syncthreads();
    }
    double r = buf[0];
    __syncthreads();
    return r;
}

// mean[c] and invStd[c] = 1 / sqrt(biased var + eps) of the batch (two passes).
extern "C" __global__ void batchnorm_statistics(int N, int C, int inner, float eps, const float* x, float* mean,
                                                float* invStd) {
    __shared__ double buf[BN_THREADS];
    int c = blockIdx.x;
    long long m = (long long) N * inner;
    double s = 0;
    for (long long e = threadIdx.x; e < m; e += BN_THREADS) s += x[((e / inner) * C + c) * inner + e % inner];
    double mu = bn_block_sum(s, buf) / m;
    double v = 0;
    for (long long e = threadIdx.x; e < m; e += BN_THREADS) {
        double d = x[((e / inner) * C + c) * inner + e % inner] - mu;
        v += d * d;
    }
    v = bn_block_sum(v, buf) / m;
    if (threadIdx.x == 0) {
        mean[c] = (float) mu;
        invStd[c] = (float) (1.0 / sqrt(v + eps));
    }
}

// Evaluation: mean = running mean, invStd = 1 / sqrt(running var + eps).
extern "C" __global__ void batchnorm_running_statistics(int C, float eps, const float* runningMean, const float* runningVar,
                                                        float* mean, float* invStd) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < C; c += blockDim.x * gridDim.x) {
        mean[c] = runningMean[c];
        invStd[c] = (float) (1.0 / sqrt((double) runningVar[c] + eps));
    }
}

// y = gamma (x - mean) invStd + beta.
extern "C" __global__ void batchnorm_normalise(int N, int C, int inner, const float* x, const float* mean,
                                               const float* invStd, const float* gamma, const float* beta, float* y) {
    long long total = (long long) N * C * inner;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int c = (int) ((t / inner) % C);
        y[t] = gamma[c] * ((x[t] - mean[c]) * invStd[c]) + beta[c];
    }
}

// sums[2c] = sum v, sums[2c + 1] = sum v xhat per channel (doubles).
extern "C" __global__ void batchnorm_sums(int N, int C, int inner, const float* x, const float* mean, const float* invStd,
                                          const float* v, double* sums) {
    __shared__ double buf[BN_THREADS];
    int c = blockIdx.x;
    long long m = (long long) N * inner;
    double s = 0, sx = 0;
    float mu = mean[c], is = invStd[c];
    for (long long e = threadIdx.x; e < m; e += BN_THREADS) {
        long long at = ((e / inner) * C + c) * inner + e % inner;
        s += v[at];
        sx += (double) v[at] * ((x[at] - mu) * is);
    }
    s = bn_block_sum(s, buf);
    sx = bn_block_sum(sx, buf);
    if (threadIdx.x == 0) {
        sums[2 * c] = s;
        sums[2 * c + 1] = sx;
    }
}

// r = (gamma invStd)(v - mean(v) - xhat mean(xhat v)) with the sums of batchnorm_sums (training),
// or (gamma invStd) v (evaluation: sums not read).
extern "C" __global__ void batchnorm_derivative(int N, int C, int inner, int training, const float* x, const float* mean,
                                                const float* invStd, const float* gamma, const float* v, const double* sums,
                                                float* r) {
    long long total = (long long) N * C * inner, m = (long long) N * inner;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int c = (int) ((t / inner) % C);
        float scale = gamma[c] * invStd[c];
        if (!training) {
            r[t] = scale * v[t];
            continue;
        }
        float mv = (float) (sums[2 * c] / m), mxv = (float) (sums[2 * c + 1] / m);
        r[t] = scale * (v[t] - mv - ((x[t] - mean[c]) * invStd[c]) * mxv);
    }
}

// dGamma = sum g xhat, dBeta = sum g, from batchnorm_sums of g.
extern "C" __global__ void batchnorm_parameter_gradients(int C, const double* sums, float* dGamma, float* dBeta) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < C; c += blockDim.x * gridDim.x) {
        dGamma[c] = (float) sums[2 * c + 1];
        dBeta[c] = (float) sums[2 * c];
    }
}

// y += tGamma xhat + tBeta (a null tangent reads as zero: hasGamma / hasBeta).
extern "C" __global__ void batchnorm_affine_tangent(int N, int C, int inner, const float* x, const float* mean,
                                                    const float* invStd, int hasGamma, const float* tGamma, int hasBeta,
                                                    const float* tBeta, float* y) {
    long long total = (long long) N * C * inner;
    for (long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x; t < total; t += (long long) blockDim.x * gridDim.x) {
        int c = (int) ((t / inner) % C);
        float a = hasGamma ? tGamma[c] : 0.0f, b = hasBeta ? tBeta[c] : 0.0f;
        y[t] += a * ((x[t] - mean[c]) * invStd[c]) + b;
    }
}

// running = (1 - momentum) running + momentum batch, the variance unbiased over count values.
extern "C" __global__ void batchnorm_update_running(int C, int count, float eps, float momentum, const float* mean,
                                                    const float* invStd, float* runningMean, float* runningVar) {
    for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < C; c += blockDim.x * gridDim.x) {
        double biased = 1.0 / ((double) invStd[c] * invStd[c]) - eps;
        float var = (float) (biased * count / (count > 1 ? count - 1 : 1));
        runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mean[c];
        runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * var;
    }
}

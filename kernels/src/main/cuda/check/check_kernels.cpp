// check_kernels.cpp: every kernel in ../*.cu, run under emulate.h on small odd shapes and compared
// with a naive CPU loop (or, for col2im, with the adjoint identity <im2col(x), c> = <x, col2im(c)>).
// Build and run: scripts/gen-ptx.sh --check. The JUnit GPU tests repeat these checks on a device.
#include "emulate.h"
#include "../gemm.cu"
#include "../elementwise.cu"
#include "../softmax.cu"
#include "../reduce.cu"
#include "../conv.cu"
#include "../embedding.cu"
#include "../attribution.cu"
#include "../indexing.cu"
#include "../optim.cu"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

static int failures = 0;
static std::mt19937 rng(42);

static std::vector<float> randn(size_t n) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

static void expect_close(const std::string& what, const std::vector<float>& got,
                         const std::vector<double>& want, double tol = 1e-4) {
    double worst = 0;
    for (size_t i = 0; i < want.size(); i++) {
        double err = std::fabs(got[i] - want[i]) / (1.0 + std::fabs(want[i]));
        if (!(err <= worst)) worst = err;  // NaN counts as a failure
    }
    bool ok = worst <= tol;
    if (!ok) failures++;
    std::printf("%-44s %s (max rel err %.2e)\n", what.c_str(), ok ? "ok  " : "FAIL", worst);
}

static unsigned blocks(long long n, unsigned threads) {
    long long b = (n + threads - 1) / threads;
    return (unsigned) (b < 8 ? (b < 1 ? 1 : b) : 8);  // few blocks: exercises the grid-stride loops
}

static void check_gemm() {
    int M = 37, N = 70, K = 19;
    for (int version = 1; version <= 2; version++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 2, ldc = N + 5;
                auto A = randn((size_t) (ta ? K : M) * lda), B = randn((size_t) (tb ? N : K) * ldb);
                auto C = randn((size_t) M * ldc);
                float alpha = 0.7f, beta = version == 1 ? -0.3f : 0.0f;
                std::vector<double> want(C.begin(), C.end());
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double s = 0;
                        for (int p = 0; p < K; p++)
                            s += (double) (ta ? A[p * lda + i] : A[i * lda + p]) * (tb ? B[j * ldb + p] : B[p * ldb + j]);
                        want[i * ldc + j] = alpha * s + (beta == 0 ? 0.0 : beta * (double) C[i * ldc + j]);
                    }
                if (version == 1)
                    launch(dim3((N + 15) / 16, (M + 15) / 16), dim3(16, 16), sgemm_v1, ta, tb, M, N, K, alpha,
                           (const float*) A.data(), lda, (const float*) B.data(), ldb, beta, C.data(), ldc);
                else
                    launch(dim3((N + 63) / 64, (M + 63) / 64), dim3(256), sgemm_v2, ta, tb, M, N, K, alpha,
                           (const float*) A.data(), lda, (const float*) B.data(), ldb, beta, C.data(), ldc);
                expect_close("sgemm_v" + std::to_string(version) + " transA=" + std::to_string(ta) +
                             " transB=" + std::to_string(tb), C, want);
            }
}

static void check_elementwise() {
    // a [3, 1, 5] op b [4, 1] -> out [3, 4, 5]
    auto a = randn(15), b = randn(4);
    for (auto& v : b) v = std::fabs(v) + 0.5f;  // positive, for div and pow
    for (auto& v : a) v = std::fabs(v);
    int dims[9] = {3, 4, 5, /* a strides */ 5, 0, 1, /* b strides */ 0, 1, 0};
    for (int op = BINARY_ADD; op <= BINARY_POW; op++) {
        std::vector<float> out(60);
        std::vector<double> want(60);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 5; k++) {
                    double x = a[i * 5 + k], y = b[j];
                    double r[] = {x + y, x - y, x * y, x / y, std::max(x, y), std::min(x, y), std::pow(x, y)};
                    want[(i * 4 + j) * 5 + k] = r[op];
                }
        launch(dim3(1), dim3(32), binary_forward, op, 60, 3, (const int*) dims, (const float*) a.data(),
               (const float*) b.data(), out.data());
        expect_close("binary_forward op=" + std::to_string(op), out, want);
    }
    auto x = randn(101);
    for (int op = UNARY_RELU; op <= UNARY_LOG; op++) {
        std::vector<float> in = x, y(101);
        if (op == UNARY_RELU6) for (auto& v : in) v *= 5;
        if (op == UNARY_LOG) for (auto& v : in) v = std::fabs(v) + 0.1f;
        std::vector<double> want(101);
        for (int i = 0; i < 101; i++) {
            double v = in[i];
            double r[] = {std::max(v, 0.0), std::min(std::max(v, 0.0), 6.0), 1 / (1 + std::exp(-v)),
                          std::tanh(v), std::exp(v), std::log(v)};
            want[i] = r[op];
        }
        launch(dim3(2), dim3(32), unary_forward, op, 0.0f, 0.0f, 101, (const float*) in.data(), y.data());
        expect_close("unary_forward op=" + std::to_string(op), y, want);
    }
}

static void check_softmax() {
    int rows = 3, cols = 300;  // cols > threads: each thread handles more than one column
    auto x = randn((size_t) rows * cols);
    for (auto& v : x) v *= 4;
    std::vector<float> y(x.size()), ly(x.size());
    std::vector<double> want(x.size()), lwant(x.size());
    for (int r = 0; r < rows; r++) {
        double m = -INFINITY, s = 0;
        for (int j = 0; j < cols; j++) m = std::max(m, (double) x[r * cols + j]);
        for (int j = 0; j < cols; j++) s += std::exp(x[r * cols + j] - m);
        for (int j = 0; j < cols; j++) {
            want[r * cols + j] = std::exp(x[r * cols + j] - m) / s;
            lwant[r * cols + j] = x[r * cols + j] - m - std::log(s);
        }
    }
    launch(dim3(rows), dim3(SOFTMAX_THREADS), softmax_forward, rows, cols, (const float*) x.data(), y.data());
    launch(dim3(rows), dim3(SOFTMAX_THREADS), log_softmax_forward, rows, cols, (const float*) x.data(), ly.data());
    expect_close("softmax_forward", y, want);
    expect_close("log_softmax_forward", ly, lwant);
}

static void check_sum() {
    int outer = 3, len = 7, inner = 5;
    auto x = randn((size_t) outer * len * inner);
    std::vector<float> y(outer * inner);
    std::vector<double> want(outer * inner, 0.0);
    for (int o = 0; o < outer; o++)
        for (int a = 0; a < len; a++)
            for (int i = 0; i < inner; i++) want[o * inner + i] += 0.5 * x[(o * len + a) * inner + i];
    launch(dim3(1), dim3(8), sum_axis, outer, len, inner, 0.5f, (const float*) x.data(), y.data());
    expect_close("sum_axis", y, want);
}

struct Geometry { int N, C, H, W, KH, KW, SH, SW, PH, PW, OH, OW; };

static void check_conv(const Geometry& g) {
    std::string tag = " k" + std::to_string(g.KH) + "x" + std::to_string(g.KW) + " s" + std::to_string(g.SH) +
                      std::to_string(g.SW) + " p" + std::to_string(g.PH) + std::to_string(g.PW);
    size_t nx = (size_t) g.N * g.C * g.H * g.W, ny = (size_t) g.N * g.C * g.OH * g.OW;
    size_t ncol = (size_t) g.N * g.C * g.KH * g.KW * g.OH * g.OW;
    auto x = randn(nx);
    auto at = [&](const std::vector<float>& v, int n, int c, int h, int w) -> double {
        if (h < 0 || h >= g.H || w < 0 || w >= g.W) return 0.0;
        return v[((size_t) (n * g.C + c) * g.H + h) * g.W + w];
    };
    // im2col against the definition.
    std::vector<float> col(ncol);
    std::vector<double> want(ncol);
    for (int n = 0; n < g.N; n++)
        for (int c = 0; c < g.C; c++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++)
                    for (int oh = 0; oh < g.OH; oh++)
                        for (int ow = 0; ow < g.OW; ow++)
                            want[((((size_t) (n * g.C + c) * g.KH + kh) * g.KW + kw) * g.OH + oh) * g.OW + ow] =
                                at(x, n, c, oh * g.SH - g.PH + kh, ow * g.SW - g.PW + kw);
    launch(dim3(blocks(ncol, 64)), dim3(64), im2col, g.N, g.C, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW,
           g.OH, g.OW, (const float*) x.data(), col.data());
    expect_close("im2col" + tag, col, want);
    // col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>.
    auto c = randn(ncol);
    std::vector<float> back(nx);
    launch(dim3(blocks(nx, 64)), dim3(64), col2im, g.N, g.C, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW,
           g.OH, g.OW, (const float*) c.data(), back.data());
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < ncol; i++) lhs += (double) want[i] * c[i];
    for (size_t i = 0; i < nx; i++) rhs += (double) x[i] * back[i];
    expect_close("col2im adjoint" + tag, {(float) rhs}, {lhs});

    // Pooling forward, and backward as the exact derivative of the forward (naive scatter).
    std::vector<float> y(ny), ya(ny), gx(nx), gxa(nx);
    std::vector<int> arg(ny);
    std::vector<double> ymax(ny), yavg(ny), gmax(nx, 0.0), gavg(nx, 0.0);
    auto gy = randn(ny);
    for (int n = 0; n < g.N; n++)
        for (int ch = 0; ch < g.C; ch++)
            for (int oh = 0; oh < g.OH; oh++)
                for (int ow = 0; ow < g.OW; ow++) {
                    size_t o = ((size_t) (n * g.C + ch) * g.OH + oh) * g.OW + ow;
                    double m = -INFINITY, s = 0;
                    int mh = -1, mw = -1;
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++) {
                            int h = oh * g.SH - g.PH + kh, w = ow * g.SW - g.PW + kw;
                            if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
                            double v = at(x, n, ch, h, w);
                            s += v;
                            if (v > m) { m = v; mh = h; mw = w; }
                            gavg[((size_t) (n * g.C + ch) * g.H + h) * g.W + w] += gy[o] / (g.KH * g.KW);
                        }
                    ymax[o] = m;
                    yavg[o] = s / (g.KH * g.KW);
                    gmax[((size_t) (n * g.C + ch) * g.H + mh) * g.W + mw] += gy[o];
                }
    auto geo = [&](auto kernel, auto... io) {
        launch(dim3(3), dim3(32), kernel, g.N, g.C, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OH, g.OW, io...);
    };
    geo(maxpool2d_forward, (const float*) x.data(), y.data(), arg.data());
    geo(maxpool2d_backward, (const float*) gy.data(), (const int*) arg.data(), gx.data());
    geo(avgpool2d_forward, (const float*) x.data(), ya.data());
    geo(avgpool2d_backward, (const float*) gy.data(), gxa.data());
    expect_close("maxpool2d_forward" + tag, y, ymax);
    expect_close("maxpool2d_backward" + tag, gx, gmax);
    expect_close("avgpool2d_forward" + tag, ya, yavg);
    expect_close("avgpool2d_backward" + tag, gxa, gavg);
}

static void check_batchnorm_embedding_attribution() {
    int N = 2, C = 3, inner = 5;
    auto x = randn(N * C * inner), mean = randn(C), var = randn(C), gamma = randn(C), beta = randn(C);
    for (auto& v : var) v = std::fabs(v) + 0.1f;
    std::vector<float> y(x.size());
    std::vector<double> want(x.size());
    for (int i = 0; i < N * C * inner; i++) {
        int c = (i / inner) % C;
        want[i] = (x[i] - mean[c]) / std::sqrt(var[c] + 1e-5) * gamma[c] + beta[c];
    }
    launch(dim3(2), dim3(8), batchnorm_forward, N, C, inner, (const float*) x.data(), (const float*) mean.data(),
           (const float*) var.data(), (const float*) gamma.data(), (const float*) beta.data(), 1e-5f, y.data());
    expect_close("batchnorm_forward", y, want);

    int vocab = 6, dim = 7, count = 5;
    auto table = randn(vocab * dim);
    int idx[5] = {3, 0, 5, 3, 1};
    std::vector<float> e(count * dim);
    std::vector<double> ewant(count * dim);
    for (int t = 0; t < count; t++)
        for (int d = 0; d < dim; d++) ewant[t * dim + d] = table[idx[t] * dim + d];
    launch(dim3(2), dim3(8), embedding_forward, count, dim, (const int*) idx, (const float*) table.data(), e.data());
    expect_close("embedding_forward", e, ewant);

    int steps = 4, n = 6, features = 3;  // batch 2 x 3 features, baseline shared over the batch
    float alphas[4] = {0.0f, 0.25f, 0.6f, 1.0f};
    auto in = randn(n), base = randn(features);
    std::vector<float> path(steps * n);
    std::vector<double> pwant(steps * n);
    for (int k = 0; k < steps; k++)
        for (int i = 0; i < n; i++) pwant[k * n + i] = base[i % features] + alphas[k] * ((double) in[i] - base[i % features]);
    launch(dim3(1), dim3(8), path_interpolate, steps, n, features, (const float*) alphas, (const float*) in.data(),
           (const float*) base.data(), path.data());
    expect_close("path_interpolate", path, pwant);

    int nodes = 5, units = 9;
    auto gr = randn(nodes * units), act = randn(nodes * units);
    std::vector<float> cond(units);
    std::vector<double> cwant(units, 0.0);
    for (int k = 0; k + 1 < nodes; k++)
        for (int i = 0; i < units; i++) cwant[i] += (double) gr[k * units + i] * (act[(k + 1) * units + i] - act[k * units + i]);
    launch(dim3(1), dim3(4), conductance_sum, nodes, units, (const float*) gr.data(), (const float*) act.data(), cond.data());
    expect_close("conductance_sum", cond, cwant);
}


// ---- the engine's primitives: each kernel against a loop written as the CPU kernel's
// (dev.galvani.kernels Elementwise, Indexing, Softmaxes, Optimisers, PathIntegrals, Convolution,
// Pooling2d, BatchNormalization) ---------------------------------------------------------------

static Dims dims_of(std::initializer_list<int> values) {
    Dims d{};
    int i = 0;
    for (int v : values) d.v[i++] = v;
    return d;
}

static void check_unary_primitives() {
    auto x = randn(67);
    for (auto& v : x) v *= 3;
    float p = 1.7f, q = 2.5f;
    for (int op = UNARY_RELU; op <= UNARY_CLIP; op++) {
        std::vector<float> in = x, y(67), r(67);
        if (op == UNARY_LOG || op == UNARY_SQRT || op == UNARY_POW) for (auto& v : in) v = std::fabs(v) + 0.1f;
        float lo = op == UNARY_CLIP ? -p : p;
        auto v = randn(67);
        std::vector<double> want(67), dwant(67);
        for (int i = 0; i < 67; i++) {
            double a = in[i], f, d;
            switch (op) {
                case UNARY_RELU: f = a > 0 ? a : 0; d = a > 0; break;
                case UNARY_RELU6: f = a <= 0 ? 0 : (a >= 6 ? 6 : a); d = a > 0 && a < 6; break;
                case UNARY_SIGMOID: f = 1 / (1 + std::exp(-a)); d = f * (1 - f); break;
                case UNARY_TANH: f = std::tanh(a); d = 1 - f * f; break;
                case UNARY_EXP: f = std::exp(a); d = f; break;
                case UNARY_LOG: f = std::log(a); d = 1 / a; break;
                case UNARY_NEG: f = -a; d = -1; break;
                case UNARY_SQRT: f = std::sqrt(a); d = 0.5 / f; break;
                case UNARY_POW: f = std::pow(a, (double) lo); d = lo * std::pow(a, lo - 1.0); break;
                default: f = a < lo ? lo : (a > q ? q : a); d = a >= lo && a <= q; break;
            }
            want[i] = f;
            dwant[i] = v[i] * d;
        }
        launch(dim3(2), dim3(32), unary_forward, op, lo, q, 67, (const float*) in.data(), y.data());
        launch(dim3(2), dim3(32), unary_derivative, op, lo, q, 67, (const float*) in.data(), (const float*) y.data(),
               (const float*) v.data(), r.data());
        expect_close("unary_forward op=" + std::to_string(op) + " (p, q)", y, want);
        expect_close("unary_derivative op=" + std::to_string(op), r, dwant);
    }
}

static void check_broadcast_primitives() {
    // a [3, 1, 5] op b [4, 1] -> [3, 4, 5], shape and strides by value.
    auto a = randn(15), b = randn(4);
    for (auto& v : b) v = std::fabs(v) + 0.5f;
    std::vector<float> out(60), e(60);
    std::vector<double> want(60), ewant(60);
    Dims d = dims_of({3, 4, 5, 5, 0, 1, 0, 1, 0});
    for (int op = BINARY_ADD; op <= BINARY_DIV; op++) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 5; k++) {
                    double x = a[i * 5 + k], y = b[j], r[] = {x + y, x - y, x * y, x / y};
                    want[(i * 4 + j) * 5 + k] = r[op];
                }
        launch(dim3(1), dim3(16), binary_broadcast, op, 60, 3, d, (const float*) a.data(), (const float*) b.data(), out.data());
        expect_close("binary_broadcast op=" + std::to_string(op), out, want);
    }
    for (int i = 0; i < 60; i++) ewant[i] = b[(i / 5) % 4];
    launch(dim3(1), dim3(16), broadcast_forward, 60, 3, dims_of({3, 4, 5, 0, 1, 0}), (const float*) b.data(), e.data());
    expect_close("broadcast_forward [4, 1] to [3, 4, 5]", e, ewant);
    // Sums and maxima of x [3, 4, 5] over axes 0 and 2 (kept [1, 4, 1]), in flat order.
    auto x = randn(60);
    std::vector<float> s(4, 1.0f), m(4);
    std::vector<int> arg(4);
    std::vector<double> swant(4, 1.0), mwant(4, -INFINITY);
    std::vector<int> awant(4, -1);
    for (int i = 0; i < 60; i++) {
        int j = (i / 5) % 4;
        swant[j] += x[i];
        if (awant[j] < 0 || x[i] > mwant[j]) { mwant[j] = x[i]; awant[j] = i; }
    }
    Dims r = dims_of({3, 4, 5, 1, 4, 1});
    launch(dim3(1), dim3(3), sum_to, 4, 15, 3, r, (const float*) x.data(), s.data());
    launch(dim3(1), dim3(3), max_to, 4, 15, 3, r, (const float*) x.data(), m.data(), arg.data());
    expect_close("sum_to (adds into out)", s, swant);
    expect_close("max_to", m, mwant);
    std::vector<float> argf(arg.begin(), arg.end());
    std::vector<double> awantd(awant.begin(), awant.end());
    expect_close("max_to argmax", argf, awantd, 0);
}

static void check_copy_primitives() {
    auto x = randn(6 * 4);
    int idx[5] = {2, -1, 5, 2, 0};
    std::vector<float> out(20), acc(24, 0.5f);
    std::vector<double> want(20), awant(24, 0.5);
    auto g = randn(20);
    for (int j = 0; j < 5; j++)
        for (int b = 0; b < 4; b++) {
            want[j * 4 + b] = idx[j] < 0 ? 9.0 : x[idx[j] * 4 + b];
            if (idx[j] >= 0) awant[idx[j] * 4 + b] += g[j * 4 + b];
        }
    launch(dim3(2), dim3(8), gather_blocks, 5, 4, 9.0f, (const int*) idx, (const float*) x.data(), out.data());
    launch(dim3(2), dim3(8), scatter_add_blocks, 5, 4, (const int*) idx, (const float*) g.data(), acc.data());
    expect_close("gather_blocks (fill where -1)", out, want);
    expect_close("scatter_add_blocks (repeated rows)", acc, awant);
    // 3 runs of 2 from x[1 + 5i] to y[2 + 4i]; stride 0 repeats a run.
    std::vector<float> y(14, 0.0f), rep(6);
    std::vector<double> ywant(14, 0.0), rwant(6);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) { ywant[2 + 4 * i + j] = x[1 + 5 * i + j]; rwant[i * 2 + j] = x[j]; }
    launch(dim3(1), dim3(4), copy_strided, 2, 3, (const float*) x.data() + 1, 5, y.data() + 2, 4);
    launch(dim3(1), dim3(4), copy_strided, 2, 3, (const float*) x.data(), 0, rep.data(), 2);
    expect_close("copy_strided", y, ywant);
    expect_close("copy_strided (stride 0)", rep, rwant);
    // permute [2, 3, 4] by (2, 0, 1): out [4, 2, 3], input strides (1, 12, 4).
    std::vector<float> pout(24);
    std::vector<double> pwant(24);
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++) pwant[(a * 2 + b) * 3 + c] = x[(b * 3 + c) * 4 + a];
    PermuteDims pd{};
    int pv[6] = {4, 2, 3, 1, 12, 4};
    for (int i = 0; i < 6; i++) pd.v[i] = pv[i];
    launch(dim3(1), dim3(8), permute_forward, 24, 3, pd, (const float*) x.data(), pout.data());
    expect_close("permute_forward", pout, pwant);
}

static void check_softmax_primitives() {
    int outer = 2, n = 5, inner = 3, total = outer * n * inner;
    auto x = randn(total), v = randn(total);
    std::vector<float> y(total), p(total), r(total), rv(total), rj(total);
    std::vector<double> ywant(total), pwant(total), jwant(total), vjp(total), jvp(total);
    for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++) {
            int base = o * n * inner + i;
            double m = -INFINITY, s = 0, sp = 0, spv = 0, sv = 0;
            for (int k = 0; k < n; k++) m = std::max(m, (double) x[base + k * inner]);
            for (int k = 0; k < n; k++) s += std::exp(x[base + k * inner] - m);
            for (int k = 0; k < n; k++) {
                int j = base + k * inner;
                ywant[j] = x[j] - m - std::log(s);
                pwant[j] = std::exp(ywant[j]);
                sp += pwant[j] * v[j];
                sv += v[j];
            }
            for (int k = 0; k < n; k++) {
                int j = base + k * inner;
                jwant[j] = pwant[j] * (v[j] - sp);
                vjp[j] = v[j] - pwant[j] * sv;
                jvp[j] = v[j] - sp;
            }
            (void) spv;
        }
    launch(dim3(1), dim3(4), log_softmax_axis, outer, n, inner, (const float*) x.data(), y.data());
    for (int i = 0; i < total; i++) p[i] = (float) std::exp((double) y[i]);
    launch(dim3(1), dim3(4), softmax_jacobian_axis, outer, n, inner, (const float*) p.data(), (const float*) v.data(), rj.data());
    launch(dim3(1), dim3(4), log_softmax_derivative_axis, outer, n, inner, 1, (const float*) y.data(), (const float*) v.data(), r.data());
    launch(dim3(1), dim3(4), log_softmax_derivative_axis, outer, n, inner, 0, (const float*) y.data(), (const float*) v.data(), rv.data());
    expect_close("log_softmax_axis", y, ywant);
    expect_close("softmax_jacobian_axis", rj, jwant);
    expect_close("log_softmax_derivative_axis (VJP)", r, vjp);
    expect_close("log_softmax_derivative_axis (JVP)", rv, jvp);
    // Cross-entropy of [4, 6] log-probabilities.
    int rows = 4, c = 6, labels[4] = {5, 0, 2, 2};
    auto z = randn(rows * c), t = randn(rows * c);
    std::vector<float> ls(rows * c), probs(rows * c), loss(1), dx(rows * c), tan(1);
    float g = 0.75f;
    launch(dim3(1), dim3(4), log_softmax_axis, rows, c, 1, (const float*) z.data(), ls.data());
    for (int i = 0; i < rows * c; i++) probs[i] = (float) std::exp((double) ls[i]);
    double l = 0, tw = 0;
    std::vector<double> dxw(rows * c);
    for (int i = 0; i < rows; i++) {
        l -= ls[i * c + labels[i]];
        double e = 0;
        for (int k = 0; k < c; k++) {
            dxw[i * c + k] = probs[i * c + k] * g / rows - (k == labels[i] ? g / rows : 0.0);
            e += probs[i * c + k] * t[i * c + k];
        }
        tw += e - t[i * c + labels[i]];
    }
    launch(dim3(1), dim3(4), cross_entropy_loss, rows, c, (const int*) labels, (const float*) ls.data(), loss.data());
    launch(dim3(2), dim3(8), cross_entropy_backward, rows, c, (const int*) labels, (const float*) probs.data(), (const float*) &g, dx.data());
    launch(dim3(1), dim3(4), cross_entropy_tangent, rows, c, (const int*) labels, (const float*) probs.data(), (const float*) t.data(), tan.data());
    expect_close("cross_entropy_loss", loss, {l / rows});
    expect_close("cross_entropy_backward", dx, dxw);
    expect_close("cross_entropy_tangent", tan, {tw / rows});
}

static void check_optimiser_and_path_primitives() {
    int n = 37;
    auto w = randn(n), g = randn(n), v = randn(n), m = randn(n), v2 = randn(n);
    for (auto& a : v2) a = std::fabs(a);
    std::vector<double> ws(n), vs(n), wa(n), ma(n), va(n);
    float lr = 0.1f, mom = 0.9f, wd = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, c1 = 0.19f, c2 = 0.002f;
    for (int i = 0; i < n; i++) {
        double gi = g[i] + wd * w[i];
        vs[i] = mom * v[i] + gi;
        ws[i] = w[i] - lr * vs[i];
        ma[i] = b1 * m[i] + (1 - b1) * gi;
        va[i] = b2 * v2[i] + (1 - b2) * gi * gi;
        wa[i] = w[i] - lr * (ma[i] / c1) / (std::sqrt(va[i] / c2) + eps);
    }
    std::vector<float> w1 = w, v1 = v, w2 = w, m2 = m, v3 = v2;
    launch(dim3(2), dim3(8), sgd_step, n, w1.data(), (const float*) g.data(), v1.data(), lr, mom, wd);
    launch(dim3(2), dim3(8), adam_step, n, w2.data(), (const float*) g.data(), m2.data(), v3.data(), lr, b1, b2, eps, c1, c2, wd);
    expect_close("sgd_step w", w1, ws);
    expect_close("sgd_step velocity", v1, vs);
    expect_close("adam_step w", w2, wa);
    expect_close("adam_step m, v", m2, ma);

    // Path rows of examples 1..2 (of 3) at 3 nodes, u = 4, and the sums over the nodes.
    int nk = 3, ne = 2, u = 4, e0 = 1;
    float alpha[3] = {0.1f, 0.5f, 0.9f};
    auto s = randn(3 * u), b = randn(3 * u);
    std::vector<float> path(nk * ne * u), tangent(nk * ne * u);
    std::vector<double> pw(nk * ne * u), tw(nk * ne * u);
    for (int k = 0; k < nk; k++)
        for (int i = 0; i < ne; i++)
            for (int j = 0; j < u; j++) {
                int src = (e0 + i) * u + j, dst = (k * ne + i) * u + j;
                tw[dst] = (double) s[src] - b[src];
                pw[dst] = b[src] + alpha[k] * tw[dst];
            }
    launch(dim3(1), dim3(8), path_rows, nk, ne, u, e0, (const float*) alpha, (const float*) s.data(), (const float*) b.data(),
           path.data(), 1, tangent.data());
    expect_close("path_rows", path, pw);
    expect_close("path_rows tangent", tangent, tw);
    double wk[3] = {0.2, 0.5, 0.3};
    auto gp = randn(nk * ne * u), yp = randn(nk * ne * u);
    std::vector<float> acc(ne * u, 1.0f), acc2(ne * u, 1.0f), acc3(ne * u, 0.0f);
    std::vector<double> aw(ne * u, 1.0), aw2(ne * u, 1.0), aw3(ne * u, 0.0);
    for (int k = 0; k < nk; k++)
        for (int e = 0; e < ne * u; e++) {
            aw[e] += wk[k] * gp[k * ne * u + e] * tangent[k * ne * u + e];
            aw2[e] += wk[k] * gp[k * ne * u + e];
            if (k + 1 < nk) aw3[e] += gp[k * ne * u + e] * ((double) yp[(k + 1) * ne * u + e] - yp[k * ne * u + e]);
        }
    launch(dim3(1), dim3(4), path_weighted_sum, nk, ne, u, (const double*) wk, (const float*) gp.data(), 1,
           (const float*) tangent.data(), acc.data());
    launch(dim3(1), dim3(4), path_weighted_sum, nk, ne, u, (const double*) wk, (const float*) gp.data(), 0,
           (const float*) gp.data(), acc2.data());
    launch(dim3(1), dim3(4), path_difference_sum, nk, ne, u, (const float*) gp.data(), (const float*) yp.data(), acc3.data());
    expect_close("path_weighted_sum (with dy/dalpha)", acc, aw);
    expect_close("path_weighted_sum (gradient only)", acc2, aw2);
    expect_close("path_difference_sum", acc3, aw3);
}

// Convolution as the CUDA backend runs it (unfold, GEMM, group_rows; fold for dX), depthwise,
// bias, pooling with dilation and uneven padding, batch norm: against direct loops.
static void check_conv_primitives() {
    int N = 2, C = 4, H = 7, W = 6, O = 6, G = 2, KH = 3, KW = 2, SH = 2, SW = 1, PH = 1, PW = 1, DH = 2, DW = 1;
    int OH = (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1, OW = (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;
    int cg = C / G, og = O / G, k = cg * KH * KW, p = OH * OW;
    auto x = randn(N * C * H * W), w = randn(O * k), bias = randn(O);
    std::vector<double> ywant(N * O * p, 0.0);
    for (int n = 0; n < N; n++)
        for (int o = 0; o < O; o++)
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++) {
                    double s = bias[o];
                    int gi = o / og;
                    for (int ci = 0; ci < cg; ci++)
                        for (int a = 0; a < KH; a++)
                            for (int b = 0; b < KW; b++) {
                                int ih = oh * SH - PH + a * DH, iw = ow * SW - PW + b * DW;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                s += (double) w[((o * cg + ci) * KH + a) * KW + b] * x[((n * C + gi * cg + ci) * H + ih) * W + iw];
                            }
                    ywant[(n * O + o) * p + oh * OW + ow] = s;
                }
    std::vector<float> y(N * O * p), col(k * N * p), rows(og * N * p);
    for (int gi = 0; gi < G; gi++) {
        launch(dim3(4), dim3(32), unfold, N, 0, C, H, W, gi * cg, cg, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW,
               (const float*) x.data(), col.data());
        launch(dim3((N * p + 63) / 64, (og + 63) / 64), dim3(256), sgemm_v2, 0, 0, og, N * p, k, 1.0f,
               (const float*) w.data() + gi * og * k, k, (const float*) col.data(), N * p, 0.0f, rows.data(), N * p);
        launch(dim3(2), dim3(32), group_rows, 1, N, 0, og, O, gi * og, p, rows.data(), y.data());
    }
    launch(dim3(2), dim3(32), channel_bias_add, N, O, p, (const float*) bias.data(), y.data());
    expect_close("unfold + sgemm_v2 + group_rows + channel_bias_add (groups, dilation)", y, ywant);
    // fold_add is the adjoint of unfold: <unfold(x), c> = <x, fold(c)>.
    auto c = randn(k * N * p);
    std::vector<float> dx(N * C * H * W, 0.0f);
    launch(dim3(4), dim3(32), unfold, N, 0, C, H, W, 0, cg, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW, (const float*) x.data(), col.data());
    launch(dim3(4), dim3(32), fold_add, N, 0, C, H, W, 0, cg, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW, (const float*) c.data(), dx.data());
    double lhs = 0, rhs = 0;
    for (int i = 0; i < k * N * p; i++) lhs += (double) col[i] * c[i];
    for (int i = 0; i < N * C * H * W; i++) rhs += (double) x[i] * dx[i];
    expect_close("fold_add adjoint", {(float) rhs}, {lhs});
    auto gy = randn(N * O * p);
    std::vector<float> gb(O, 0.0f);
    std::vector<double> gbw(O, 0.0);
    for (int i = 0; i < N * O * p; i++) gbw[(i / p) % O] += gy[i];
    launch(dim3(1), dim3(4), channel_bias_grad, N, O, p, (const float*) gy.data(), gb.data());
    expect_close("channel_bias_grad", gb, gbw);

    // Depthwise [N, C, H, W] with a 3x3 kernel, stride 2, padding 1: forward, and both gradients by <., .>.
    int DOH = (H + 2 - 3) / 2 + 1, DOW = (W + 2 - 3) / 2 + 1;
    auto dwt = randn(C * 9);
    std::vector<float> dy(N * C * DOH * DOW);
    std::vector<double> dwant(dy.size(), 0.0);
    for (int pl = 0; pl < N * C; pl++)
        for (int oh = 0; oh < DOH; oh++)
            for (int ow = 0; ow < DOW; ow++)
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        int ih = oh * 2 - 1 + a, iw = ow * 2 - 1 + b;
                        if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                            dwant[(pl * DOH + oh) * DOW + ow] += (double) dwt[(pl % C) * 9 + a * 3 + b] * x[(pl * H + ih) * W + iw];
                    }
    launch(dim3(2), dim3(32), depthwise_forward, N, C, H, W, 3, 3, 2, 2, 1, 1, 1, 1, DOH, DOW, (const float*) x.data(),
           (const float*) dwt.data(), dy.data());
    expect_close("depthwise_forward", dy, dwant);
    auto dg = randn(dy.size());
    std::vector<float> dgx(x.size(), 0.0f), dgw(C * 9, 0.0f);
    launch(dim3(2), dim3(32), depthwise_backward_input, N, C, H, W, 3, 3, 2, 2, 1, 1, 1, 1, DOH, DOW, (const float*) dg.data(),
           (const float*) dwt.data(), dgx.data());
    launch(dim3(1), dim3(8), depthwise_backward_weight, N, C, H, W, 3, 3, 2, 2, 1, 1, 1, 1, DOH, DOW, (const float*) dg.data(),
           (const float*) x.data(), dgw.data());
    double yg = 0, xg = 0, wg = 0;
    for (size_t i = 0; i < dy.size(); i++) yg += dwant[i] * dg[i];
    for (size_t i = 0; i < x.size(); i++) xg += (double) x[i] * dgx[i];
    for (int i = 0; i < C * 9; i++) wg += (double) dwt[i] * dgw[i];
    expect_close("depthwise_backward_input adjoint", {(float) xg}, {yg});
    expect_close("depthwise_backward_weight adjoint", {(float) wg}, {yg});

    // Pooling 3x2, stride (2, 1), padding top 1 left 0 bottom 2 right 1, dilation (1, 2), ceil mode.
    int PKH = 3, PKW = 2, PSH = 2, PSW = 1, PT = 1, PL = 0, PB = 2, PR = 1, PDH = 1, PDW = 2;
    auto osize = [](int in, int kk, int s, int b0, int e0, int d) {
        int span = in + b0 + e0 - d * (kk - 1) - 1, o = (span + s - 1) / s + 1;
        if ((o - 1) * s >= in + b0) o--;
        return o;
    };
    int POH = osize(H, PKH, PSH, PT, PB, PDH), POW = osize(W, PKW, PSW, PL, PR, PDW), PP = POH * POW;
    std::vector<float> ym(N * C * PP), ya(N * C * PP), gxm(x.size(), 0.0f), gxa(x.size(), 0.0f);
    std::vector<int> am(N * C * PP);
    std::vector<double> ymw(ym.size()), yaw(ya.size()), gmw(x.size(), 0.0), gaw(x.size(), 0.0);
    auto pg = randn(ym.size());
    for (int pl = 0; pl < N * C; pl++)
        for (int oh = 0; oh < POH; oh++)
            for (int ow = 0; ow < POW; ow++) {
                int o = (pl * POH + oh) * POW + ow, best = -1, ch = 0, cw = 0;
                double m = -INFINITY, s = 0;
                for (int a = 0; a < PKH; a++) { int at = oh * PSH - PT + a * PDH; if (at >= -PT && at < H + PB) ch++; }
                for (int b = 0; b < PKW; b++) { int at = ow * PSW - PL + b * PDW; if (at >= -PL && at < W + PR) cw++; }
                double scale = 1.0 / (std::max(ch, 1) * std::max(cw, 1));
                for (int a = 0; a < PKH; a++)
                    for (int b = 0; b < PKW; b++) {
                        int ih = oh * PSH - PT + a * PDH, iw = ow * PSW - PL + b * PDW;
                        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                        int at = (pl * H + ih) * W + iw;
                        s += x[at];
                        gaw[at] += pg[o] * scale;
                        if (best < 0 || x[at] > m) { m = x[at]; best = at; }
                    }
                ymw[o] = m;
                yaw[o] = s * scale;
                gmw[best] += pg[o];
            }
    launch(dim3(2), dim3(32), pool_max, N, C, H, W, PKH, PKW, PSH, PSW, PT, PL, PDH, PDW, POH, POW, (const float*) x.data(),
           ym.data(), am.data());
    launch(dim3(2), dim3(32), pool_max_backward, N, C, H, W, PKH, PKW, PSH, PSW, PT, PL, PDH, PDW, POH, POW,
           (const float*) pg.data(), (const int*) am.data(), gxm.data());
    launch(dim3(2), dim3(32), pool_avg, N, C, H, W, PKH, PKW, PSH, PSW, PT, PL, PB, PR, PDH, PDW, POH, POW, 1,
           (const float*) x.data(), ya.data());
    launch(dim3(2), dim3(32), pool_avg_backward, N, C, H, W, PKH, PKW, PSH, PSW, PT, PL, PB, PR, PDH, PDW, POH, POW, 1,
           (const float*) pg.data(), gxa.data());
    expect_close("pool_max (dilation, uneven padding, ceil)", ym, ymw);
    expect_close("pool_max_backward", gxm, gmw);
    expect_close("pool_avg (count_include_pad)", ya, yaw);
    expect_close("pool_avg_backward", gxa, gaw);

    // Batch norm over [N, C, H W]: statistics, normalisation, derivative, parameter gradients, running update.
    int inner = H * W, M = N * inner;
    auto gamma = randn(C), beta = randn(C), v = randn(x.size());
    std::vector<float> mean(C), inv(C), yb(x.size()), r(x.size()), dg2(C), db2(C), rm(C, 0.5f), rv(C, 2.0f);
    std::vector<double> mw(C), iw(C), ybw(x.size()), rw(x.size()), dgw2(C), dbw2(C), rmw(C), rvw(C);
    for (int ch = 0; ch < C; ch++) {
        double s = 0, q = 0, sv = 0, sxv = 0;
        for (int n = 0; n < N; n++) for (int j = 0; j < inner; j++) s += x[(n * C + ch) * inner + j];
        double mu = s / M;
        for (int n = 0; n < N; n++) for (int j = 0; j < inner; j++) { double e = x[(n * C + ch) * inner + j] - mu; q += e * e; }
        mw[ch] = mu;
        iw[ch] = 1 / std::sqrt(q / M + 1e-5);
        for (int n = 0; n < N; n++)
            for (int j = 0; j < inner; j++) {
                int at = (n * C + ch) * inner + j;
                double xh = (x[at] - mu) * iw[ch];
                ybw[at] = gamma[ch] * xh + beta[ch];
                sv += v[at];
                sxv += v[at] * xh;
            }
        for (int n = 0; n < N; n++)
            for (int j = 0; j < inner; j++) {
                int at = (n * C + ch) * inner + j;
                rw[at] = gamma[ch] * iw[ch] * (v[at] - sv / M - (x[at] - mu) * iw[ch] * sxv / M);
            }
        dgw2[ch] = sxv;
        dbw2[ch] = sv;
        rmw[ch] = 0.9 * 0.5 + 0.1 * mu;
        rvw[ch] = 0.9 * 2.0 + 0.1 * (q / M) * M / (M - 1);
    }
    std::vector<double> sums(2 * C);
    launch(dim3(C), dim3(BN_THREADS), batchnorm_statistics, N, C, inner, 1e-5f, (const float*) x.data(), mean.data(), inv.data());
    launch(dim3(2), dim3(32), batchnorm_normalise, N, C, inner, (const float*) x.data(), (const float*) mean.data(),
           (const float*) inv.data(), (const float*) gamma.data(), (const float*) beta.data(), yb.data());
    launch(dim3(C), dim3(BN_THREADS), batchnorm_sums, N, C, inner, (const float*) x.data(), (const float*) mean.data(),
           (const float*) inv.data(), (const float*) v.data(), sums.data());
    launch(dim3(2), dim3(32), batchnorm_derivative, N, C, inner, 1, (const float*) x.data(), (const float*) mean.data(),
           (const float*) inv.data(), (const float*) gamma.data(), (const float*) v.data(), (const double*) sums.data(), r.data());
    launch(dim3(1), dim3(8), batchnorm_parameter_gradients, C, (const double*) sums.data(), dg2.data(), db2.data());
    launch(dim3(1), dim3(8), batchnorm_update_running, C, M, 1e-5f, 0.1f, (const float*) mean.data(), (const float*) inv.data(),
           rm.data(), rv.data());
    expect_close("batchnorm_statistics mean", mean, mw);
    expect_close("batchnorm_statistics 1/sigma", inv, iw);
    expect_close("batchnorm_normalise", yb, ybw);
    expect_close("batchnorm_derivative (training)", r, rw);
    expect_close("batchnorm_parameter_gradients", dg2, dgw2);
    expect_close("batchnorm_parameter_gradients beta", db2, dbw2);
    expect_close("batchnorm_update_running mean", rm, rmw);
    expect_close("batchnorm_update_running var", rv, rvw);
}

int main() {
    check_gemm();
    check_elementwise();
    check_softmax();
    check_sum();
    check_conv({2, 3, 7, 6, 3, 3, 1, 1, 1, 1, 7, 6});
    check_conv({1, 2, 9, 8, 3, 2, 2, 3, 1, 0, 5, 3});
    check_conv({2, 2, 6, 7, 2, 2, 2, 2, 0, 0, 3, 3});
    check_batchnorm_embedding_attribution();
    check_unary_primitives();
    check_broadcast_primitives();
    check_copy_primitives();
    check_softmax_primitives();
    check_optimiser_and_path_primitives();
    check_conv_primitives();
    std::printf(failures == 0 ? "all kernels match their references\n" : "%d checks FAILED\n", failures);
    return failures == 0 ? 0 : 1;
}

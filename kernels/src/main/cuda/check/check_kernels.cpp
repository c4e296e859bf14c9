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
        launch(dim3(2), dim3(32), unary_forward, op, 101, (const float*) in.data(), y.data());
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

int main() {
    check_gemm();
    check_elementwise();
    check_softmax();
    check_sum();
    check_conv({2, 3, 7, 6, 3, 3, 1, 1, 1, 1, 7, 6});
    check_conv({1, 2, 9, 8, 3, 2, 2, 3, 1, 0, 5, 3});
    check_conv({2, 2, 6, 7, 2, 2, 2, 2, 0, 0, 3, 3});
    check_batchnorm_embedding_attribution();
    std::printf(failures == 0 ? "all kernels match their references\n" : "%d checks FAILED\n", failures);
    return failures == 0 ? 0 : 1;
}

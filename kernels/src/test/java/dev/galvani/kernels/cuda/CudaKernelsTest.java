package dev.galvani.kernels.cuda;

import static dev.galvani.kernels.cuda.GpuTests.assertClose;
import static dev.galvani.kernels.cuda.GpuTests.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.galvani.kernels.Gemm;
import dev.galvani.kernels.cuda.CudaKernels.BinaryOp;
import dev.galvani.kernels.cuda.CudaKernels.UnaryOp;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of kernels/src/main/cuda against a naive loop written here (or, for col2im, the
 * adjoint identity), on odd shapes; skipped without a GPU. The same checks run on the host under
 * emulation with {@code scripts/gen-ptx.sh --check}.
 */
class CudaKernelsTest {
    private static Cuda cuda;
    private static CudaKernels kernels;
    private final Random rng = new Random(42);

    @BeforeAll
    static void open() {
        cuda = GpuTests.openIfAvailable();
        kernels = cuda == null ? null : new CudaKernels(cuda);
    }

    @BeforeEach
    void gpu() {
        GpuTests.requireGpu();
    }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
    }

    @Test
    void sgemmBothVersionsMatchNaive() {
        int[][] sizes = {{1, 1, 1}, {37, 70, 19}, {65, 64, 17}, {130, 3, 129}};
        for (int version = 1; version <= 2; version++)
            for (int[] s : sizes)
                for (int t = 0; t < 4; t++) {
                    int m = s[0], n = s[1], k = s[2];
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
                    float[] a = randn(rng, (ta ? k : m) * lda), b = randn(rng, (tb ? n : k) * ldb);
                    float[] c = randn(rng, m * ldc), want = c.clone();
                    Gemm.naive(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, -0.3f, want, 0, ldc);
                    try (DeviceBuffer da = cuda.upload(a); DeviceBuffer db = cuda.upload(b); DeviceBuffer dc = cuda.upload(c)) {
                        kernels.sgemm(version, ta, tb, m, n, k, 0.7f, da, lda, db, ldb, -0.3f, dc, ldc);
                        assertClose("sgemm_v" + version + " " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb,
                                want, dc.toFloats(), 1e-4);
                    }
                }
    }

    @Test
    void binaryBroadcastsLikeNumpy() {
        // a [3, 1, 5] op b [4, 1] -> [3, 4, 5]
        float[] a = positive(randn(rng, 15)), b = positive(randn(rng, 4));
        for (BinaryOp op : BinaryOp.values()) {
            double[] want = new double[60];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++)
                    for (int k = 0; k < 5; k++) want[(i * 4 + j) * 5 + k] = apply(op, a[i * 5 + k], b[j]);
            try (DeviceBuffer da = cuda.upload(a); DeviceBuffer db = cuda.upload(b); DeviceBuffer out = cuda.allocate(60)) {
                int[] shape = kernels.binary(op, new int[] {3, 1, 5}, da, new int[] {4, 1}, db, out);
                assertArrayEquals(new int[] {3, 4, 5}, shape);
                assertClose("binary " + op, want, out.toFloats(), 1e-5);
            }
        }
        // A scalar against a matrix, and shapes that do not broadcast.
        try (DeviceBuffer m = cuda.upload(new float[] {1, 2, 3, 4, 5, 6}); DeviceBuffer s = cuda.upload(new float[] {10});
             DeviceBuffer out = cuda.allocate(6)) {
            kernels.binary(BinaryOp.SUB, new int[] {2, 3}, m, new int[] {}, s, out);
            assertClose("matrix - scalar", new float[] {-9, -8, -7, -6, -5, -4}, out.toFloats(), 0);
            assertThrows(IllegalArgumentException.class,
                    () -> kernels.binary(BinaryOp.ADD, new int[] {2, 3}, m, new int[] {2}, s, out));
        }
    }

    @Test
    void unaryOpsMatchMath() {
        float[] x = randn(rng, 1001);
        for (int i = 0; i < x.length; i++) x[i] *= 4;
        for (UnaryOp op : UnaryOp.values()) {
            float[] in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? positive(x.clone()) : x;
            double[] want = new double[in.length];
            for (int i = 0; i < in.length; i++) {
                double v = in[i];
                want[i] = switch (op) {
                    case RELU -> Math.max(v, 0);
                    case RELU6 -> Math.min(Math.max(v, 0), 6);
                    case SIGMOID -> 1 / (1 + Math.exp(-v));
                    case TANH -> Math.tanh(v);
                    case EXP -> Math.exp(v);
                    case LOG -> Math.log(v);
                    case NEG -> -v;
                    case SQRT -> Math.sqrt(v);
                    case POW -> 1;   // x^p with p = 0
                    case CLIP -> 0;  // clipped to [0, 0]
                };
            }
            try (DeviceBuffer d = cuda.upload(in); DeviceBuffer y = cuda.allocate(in.length)) {
                kernels.unary(op, in.length, d, y);
                assertClose("unary " + op, want, y.toFloats(), 1e-5);
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxRowWise() {
        for (int cols : new int[] {3, 1000}) {  // fewer and more columns than the block's 256 threads
            int rows = 5;
            float[] x = randn(rng, rows * cols);
            for (int i = 0; i < x.length; i++) x[i] *= 10;
            double[] soft = new double[x.length], logSoft = new double[x.length];
            for (int r = 0; r < rows; r++) {
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
                for (int j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
                for (int j = 0; j < cols; j++) {
                    soft[r * cols + j] = Math.exp(x[r * cols + j] - m) / s;
                    logSoft[r * cols + j] = x[r * cols + j] - m - Math.log(s);
                }
            }
            try (DeviceBuffer d = cuda.upload(x); DeviceBuffer y = cuda.allocate(x.length)) {
                kernels.softmax(rows, cols, d, y);
                assertClose("softmax cols=" + cols, soft, y.toFloats(), 1e-5);
                kernels.logSoftmax(rows, cols, d, y);
                assertClose("log_softmax cols=" + cols, logSoft, y.toFloats(), 1e-5);
            }
        }
    }

    @Test
    void sumOverMiddleAxis() {
        int outer = 3, len = 77, inner = 5;
        float[] x = randn(rng, outer * len * inner);
        double[] want = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int a = 0; a < len; a++)
                for (int i = 0; i < inner; i++) want[o * inner + i] += x[(o * len + a) * inner + i] / (double) len;
        try (DeviceBuffer d = cuda.upload(x); DeviceBuffer y = cuda.allocate(outer * inner)) {
            kernels.sumAxis(outer, len, inner, 1f / len, d, y);
            assertClose("mean over axis 1", want, y.toFloats(), 1e-5);
        }
    }

    @Test
    void im2colCol2imAndPooling() {
        Window2d[] geometries = {
            Window2d.square(2, 3, 7, 6, 3, 1, 1),
            new Window2d(1, 2, 9, 8, 3, 2, 2, 3, 1, 0),
            Window2d.square(2, 2, 6, 7, 2, 2, 0),
        };
        for (Window2d g : geometries) {
            int oh = g.outH(), ow = g.outW();
            float[] x = randn(rng, (int) g.inputSize());
            float[] gy = randn(rng, (int) g.outputSize());
            double[] col = new double[(int) g.colSize()];
            double[] max = new double[gy.length], avg = new double[gy.length];
            double[] gMax = new double[x.length], gAvg = new double[x.length];
            for (int n = 0; n < g.n(); n++)
                for (int c = 0; c < g.c(); c++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++) {
                            int o = ((n * g.c() + c) * oh + i) * ow + j;
                            double m = Double.NEGATIVE_INFINITY, s = 0;
                            int arg = -1;
                            for (int kh = 0; kh < g.kh(); kh++)
                                for (int kw = 0; kw < g.kw(); kw++) {
                                    int h = i * g.strideH() - g.padH() + kh, w = j * g.strideW() - g.padW() + kw;
                                    boolean inside = h >= 0 && h < g.h() && w >= 0 && w < g.w();
                                    int xi = ((n * g.c() + c) * g.h() + h) * g.w() + w;
                                    double v = inside ? x[xi] : 0;
                                    col[((((n * g.c() + c) * g.kh() + kh) * g.kw() + kw) * oh + i) * ow + j] = v;
                                    if (!inside) continue;
                                    s += v;
                                    gAvg[xi] += gy[o] / (g.kh() * g.kw());
                                    if (v > m) { m = v; arg = xi; }
                                }
                            max[o] = m;
                            avg[o] = s / (g.kh() * g.kw());
                            gMax[arg] += gy[o];
                        }
            float[] c = randn(rng, col.length);
            try (DeviceBuffer dx = cuda.upload(x); DeviceBuffer dgy = cuda.upload(gy); DeviceBuffer dc = cuda.upload(c);
                 DeviceBuffer dcol = cuda.allocate(col.length); DeviceBuffer back = cuda.allocate(x.length);
                 DeviceBuffer y = cuda.allocate(gy.length); DeviceBuffer arg = cuda.allocate(gy.length);
                 DeviceBuffer gx = cuda.allocate(x.length)) {
                kernels.im2col(g, dx, dcol);
                assertClose("im2col " + g, col, dcol.toFloats(), 0);
                // col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>.
                kernels.col2im(g, dc, back);
                float[] xb = back.toFloats();
                double lhs = 0, rhs = 0;
                for (int i = 0; i < col.length; i++) lhs += col[i] * c[i];
                for (int i = 0; i < x.length; i++) rhs += (double) x[i] * xb[i];
                assertClose("col2im adjoint " + g, new double[] {lhs}, new float[] {(float) rhs}, 1e-4);

                kernels.maxPool2d(g, dx, y, arg);
                assertClose("max pool " + g, max, y.toFloats(), 0);
                kernels.maxPool2dBackward(g, dgy, arg, gx);
                assertClose("max pool backward " + g, gMax, gx.toFloats(), 1e-5);
                kernels.avgPool2d(g, dx, y);
                assertClose("avg pool " + g, avg, y.toFloats(), 1e-5);
                kernels.avgPool2dBackward(g, dgy, gx);
                assertClose("avg pool backward " + g, gAvg, gx.toFloats(), 1e-5);
            }
        }
    }

    @Test
    void batchNormEmbeddingAndAttributionKernels() {
        int n = 2, c = 3, inner = 5;
        float[] x = randn(rng, n * c * inner), mean = randn(rng, c), var = positive(randn(rng, c));
        float[] gamma = randn(rng, c), beta = randn(rng, c);
        double[] bn = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / inner) % c;
            bn[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + 1e-5) * gamma[ch] + beta[ch];
        }
        try (DeviceBuffer dx = cuda.upload(x); DeviceBuffer dm = cuda.upload(mean); DeviceBuffer dv = cuda.upload(var);
             DeviceBuffer dg = cuda.upload(gamma); DeviceBuffer db = cuda.upload(beta); DeviceBuffer y = cuda.allocate(x.length)) {
            kernels.batchNorm(n, c, inner, dx, dm, dv, dg, db, 1e-5f, y);
            assertClose("batch norm", bn, y.toFloats(), 1e-5);
        }

        int vocab = 6, dim = 7;
        int[] idx = {3, 0, 5, 3, 1};
        float[] table = randn(rng, vocab * dim), rows = new float[idx.length * dim];
        for (int t = 0; t < idx.length; t++) System.arraycopy(table, idx[t] * dim, rows, t * dim, dim);
        try (DeviceBuffer dt = cuda.upload(table); DeviceBuffer out = cuda.allocate(rows.length)) {
            kernels.embedding(idx, vocab, dim, dt, out);
            assertClose("embedding", rows, out.toFloats(), 0);
            assertThrows(IndexOutOfBoundsException.class, () -> kernels.embedding(new int[] {6}, vocab, dim, dt, out));
        }

        // Path x' + alpha_k (x - x') for a batch of 2 x 3 features, baseline shared over the batch.
        float[] alphas = {0f, 0.25f, 0.6f, 1f}, in = randn(rng, 6), base = randn(rng, 3);
        double[] path = new double[alphas.length * in.length];
        for (int k = 0; k < alphas.length; k++)
            for (int i = 0; i < in.length; i++) path[k * in.length + i] = base[i % 3] + alphas[k] * ((double) in[i] - base[i % 3]);
        try (DeviceBuffer da = cuda.upload(alphas); DeviceBuffer di = cuda.upload(in); DeviceBuffer dbase = cuda.upload(base);
             DeviceBuffer out = cuda.allocate(path.length)) {
            kernels.interpolatePath(alphas.length, in.length, 3, da, di, dbase, out);
            assertClose("path interpolation", path, out.toFloats(), 1e-6);
        }

        // Conductance: sum_k g[k] (y[k+1] - y[k]) over 51 nodes for 9 units.
        int nodes = 51, units = 9;
        float[] g = randn(rng, nodes * units), act = randn(rng, nodes * units);
        double[] cond = new double[units];
        for (int k = 0; k + 1 < nodes; k++)
            for (int i = 0; i < units; i++) cond[i] += (double) g[k * units + i] * (act[(k + 1) * units + i] - act[k * units + i]);
        try (DeviceBuffer dg = cuda.upload(g); DeviceBuffer dy = cuda.upload(act); DeviceBuffer out = cuda.allocate(units)) {
            kernels.conductanceSum(nodes, units, dg, dy, out);
            assertClose("conductance sum", cond, out.toFloats(), 1e-4);
        }
    }

    private static float[] positive(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]) + 0.5f;
        return v;
    }

    private static double apply(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> Math.pow(a, b);
        };
    }
}

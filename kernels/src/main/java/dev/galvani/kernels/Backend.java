package dev.galvani.kernels;

/**
 * The primitives an accelerator must provide so that the engine can run on it. The CPU backend
 * ({@link CpuBackend}) is the reference: every other backend is tested against it.
 *
 * <p>The set is small and closed: the engine's ops are written once, on these primitives, for every
 * device. Memory: every backend owns the storages of its {@link Device}; values cross between the
 * host and a device only through {@link #fromHost} and {@link #toHost}. Arguments come inputs
 * first, output last (EJML / BLAS style); outputs are overwritten unless a primitive says it adds.
 * Arrays are row-major with offsets and leading dimensions explicit, so a kernel never allocates
 * its output. Shapes broadcast as NumPy's, aligned at the last axis.
 */
public interface Backend {

    /** A short name for logs and benchmark reports, e.g. {@code "cpu-vector(avx512, 16 lanes)"}. */
    String name();

    /** The device whose storages this backend computes on. */
    Device device();

    /** A storage of {@code length} zeros on this backend's device. */
    Storage allocate(int length);

    /** A copy of host values on this backend's device. */
    Storage fromHost(float[] values);

    /** A new host array holding a copy of the storage's values (the one way values leave a device). */
    float[] toHost(Storage s);

    /** Copies {@code count} values from {@code src[srcOff..]} to {@code dst[dstOff..]}, both on this device. */
    void copy(Storage src, int srcOff, Storage dst, int dstOff, int count);

    /** Sets every value of the storage to {@code value}. */
    void fill(Storage s, float value);

    /**
     * Bytes this device can still hand out: the JVM heap's free space for host arrays, the free
     * device memory ({@code cuMemGetInfo}) for a GPU. Passes size their batches from it.
     */
    default long memoryFree() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Indices on this device, copied from host values. */
    Indices indices(int[] values);

    // ---- elementwise ---------------------------------------------------------------------------

    /** {@code y = f(x)} elementwise; {@code p, q}: the op's constants (see {@link UnaryOp}). */
    void unary(UnaryOp op, float p, float q, Storage x, Storage y);

    /** {@code r = v ⊙ f'(x)}, where the derivative may read {@code y = f(x)}. */
    void unaryDerivative(UnaryOp op, float p, float q, Storage x, Storage y, Storage v, Storage r);

    /** {@code out = a op b}, a of shape {@code sa} and b of {@code sb} broadcast to {@code so}. */
    void binary(BinaryOp op, Storage a, int[] sa, Storage b, int[] sb, Storage out, int[] so);

    /** Adds x (shape {@code s}) into out, summed over the axes where {@code kept} is 1 or absent. */
    void sumTo(Storage x, int[] s, Storage out, int[] kept);

    /** {@code out} = x (shape {@code s}) broadcast to shape {@code so}. */
    void broadcastTo(Storage x, int[] s, Storage out, int[] so);

    /** Maxima over the axes where {@code kept} (same rank as s) is 1, and each one's first flat index. */
    Indices maxTo(Storage x, int[] s, Storage out, int[] kept);

    // ---- copies --------------------------------------------------------------------------------

    /** {@code out[j·block + b] = x[idx[j]·block + b]}, or {@code fill} where {@code idx[j] < 0}. */
    void gather(Storage x, Indices idx, int block, float fill, Storage out);

    /** {@code out[idx[j]·block + b] += g[j·block + b]} (in order of j), skipping {@code idx[j] < 0}. */
    void scatterAdd(Storage g, Indices idx, int block, Storage out);

    /** {@code blocks} runs of {@code len} values, from {@code src[srcOff + i·srcStride]} to {@code dst[dstOff + i·dstStride]}. */
    void copyStrided(Storage src, int srcOff, int srcStride, Storage dst, int dstOff, int dstStride, int len, int blocks);

    /** Output axis i is input axis {@code axes[i]} of x (shape {@code s}). */
    void permute(Storage x, int[] s, int[] axes, Storage out);

    // ---- dense ---------------------------------------------------------------------------------

    /**
     * {@code C = alpha op(A) op(B) + beta C} on storages, op(A) [m, k], op(B) [k, n]; transA means
     * A is stored as [k, m] (lda >= m). With beta 0, C is not read.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Storage a, int aOff, int lda, Storage b, int bOff, int ldb,
              float beta, Storage c, int cOff, int ldc);

    // ---- softmax and cross-entropy, along the middle axis of [outer, n, inner] ------------------

    void logSoftmax(Storage x, int outer, int n, int inner, Storage y);

    /** {@code r = p (v − Σ p v)}, given {@code p} = softmax. */
    void softmaxJacobian(Storage p, Storage v, int outer, int n, int inner, Storage r);

    /** {@code v − exp(y) Σ v} (transpose) or {@code v − Σ exp(y) v}, given y = log-softmax. */
    void logSoftmaxDerivative(Storage y, Storage v, int outer, int n, int inner, boolean transpose, Storage r);

    /** {@code loss[0] = −(1/n) Σ_i ls[i, labels_i]}, ls [n, c] log-probabilities. */
    void crossEntropy(Storage logProbs, Indices labels, int n, int c, Storage loss);

    /** {@code dx = (probs − onehot) g[0] / n}. */
    void crossEntropyBackward(Storage probs, Indices labels, Storage g, int n, int c, Storage dx);

    /** {@code out[0] = (1/n) Σ_i (Σ_k probs t − t[i, labels_i])}. */
    void crossEntropyTangent(Storage probs, Indices labels, Storage t, int n, int c, Storage out);

    // ---- convolution, pooling, batch norm -----------------------------------------------------

    /** {@code y = conv(x, w) + bias} (bias may be null), see {@link Convolution#forward}. */
    void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y);

    /** Adds dL/dx, dL/dw, dL/db (each may be null: not wanted) from gy, see {@link Convolution#backward}. */
    void conv2dBackward(ConvGeometry g, Storage gy, Storage x, Storage w, Storage gx, Storage gw, Storage gb);

    /** Max pooling into y and the maxima's flat input positions; null when a window lies wholly in the padding. */
    Indices maxPool2d(PoolGeometry g, Storage x, Storage y);

    /** Adds max pooling's gradient: {@code gx[argmax[o]] += gy[o]}. */
    void maxPool2dBackward(PoolGeometry g, Storage gy, Indices argmax, Storage gx);

    /** Average pooling (divisors from the geometry). */
    void avgPool2d(PoolGeometry g, Storage x, Storage y);

    /** Adds average pooling's gradient into gx. */
    void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx);

    /** Batch mean and {@code 1/sqrt(var + eps)} per channel of x [n, c, inner]. */
    void batchNormStatistics(int n, int c, int inner, Storage x, float eps, Storage mean, Storage invStd);

    /** Mean and {@code 1/sqrt(var + eps)} from running statistics. */
    void batchNormRunningStatistics(Storage runningMean, Storage runningVar, float eps, Storage mean, Storage invStd);

    /** {@code y = γ (x − μ) σ⁻¹ + β}. */
    void batchNorm(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage beta, Storage y);

    /** The derivative of batch norm with respect to x, times v (training: batch statistics), see {@link BatchNormalization#derivative}. */
    void batchNormDerivative(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage v,
                             boolean training, Storage r);

    /** The gradients of γ and β from gy. */
    void batchNormParameterGradients(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gy,
                                     Storage dGamma, Storage dBeta);

    /**
     * Batch norm's VJP from gy: the derivative with respect to x times gy into gx, and the
     * gradients of γ and β; a null output is not wanted. The default makes the two calls above; a
     * backend may share their per-channel sums (same numbers).
     */
    default void batchNormBackward(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage gy,
                                   boolean training, Storage gx, Storage dGamma, Storage dBeta) {
        if (gx != null) batchNormDerivative(n, c, inner, x, mean, invStd, gamma, gy, training, gx);
        if (dGamma != null && dBeta != null) batchNormParameterGradients(n, c, inner, x, mean, invStd, gy, dGamma, dBeta);
    }

    /** Adds {@code γ̇ x̂ + β̇} into y (either tangent may be null). */
    void batchNormAffineTangent(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage tGamma, Storage tBeta,
                                Storage y);

    /** Running statistics with momentum from a batch of {@code count} values per channel, see {@link BatchNormalization#updateRunning}. */
    void batchNormUpdateRunning(int count, float eps, float momentum, Storage mean, Storage invStd,
                                Storage runningMean, Storage runningVar);

    // ---- training and attribution -------------------------------------------------------------

    /** SGD with momentum, in place (see {@link Optimisers#sgd}). */
    void sgdStep(Storage w, Storage g, Storage velocity, float lr, float momentum, float weightDecay);

    /** Adam, in place (see {@link Optimisers#adam}). */
    void adamStep(Storage w, Storage g, Storage m, Storage v, float lr, float b1, float b2, float eps,
                  float c1, float c2, float weightDecay);

    /** The straight path's rows and tangent (may be null), see {@link PathIntegrals#pathRows}. */
    void pathRows(Storage start, Storage base, float[] alpha, int e0, int ne, int u, Storage path, Storage tangent);

    /** Weighted sum over path nodes into acc (t may be null), see {@link PathIntegrals#weightedSum}. */
    void pathWeightedSum(double[] w, int ne, int u, Storage g, Storage t, Storage acc, int accOff);

    /** Captum's sum over consecutive nodes into acc, see {@link PathIntegrals#differenceSum}. */
    void pathDifferenceSum(int nk, int ne, int u, Storage g, Storage y, Storage acc, int accOff);

    // ---- host arrays ---------------------------------------------------------------------------

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(A)} of shape [m, k] and
     * {@code op(B)} of shape [k, n]; {@code transA} means A is stored as [k, m] (lda >= m).
     * Host arrays: a device backend copies them over and back.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}

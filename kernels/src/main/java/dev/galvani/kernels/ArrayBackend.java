package dev.galvani.kernels;

/**
 * The primitives on plain arrays, for the backends whose storages are arrays: the CPU backend
 * (host arrays) and the simulated device (arrays only it reads). Each primitive calls the CPU
 * reference kernel; subclasses say how to reach a storage's array.
 */
abstract class ArrayBackend implements Backend {

    /** The array behind one of this backend's storages. */
    abstract float[] array(Storage s);

    /** The array behind one of this backend's index sets. */
    abstract int[] ints(Indices idx);

    /** Wraps a new array as one of this backend's index sets. */
    abstract Indices wrap(int[] values);

    private float[] arrayOrNull(Storage s) {
        return s == null ? null : array(s);
    }

    @Override
    public Indices indices(int[] values) {
        return wrap(values.clone());
    }

    @Override
    public void copy(Storage src, int srcOff, Storage dst, int dstOff, int count) {
        System.arraycopy(array(src), srcOff, array(dst), dstOff, count);
    }

    @Override
    public void fill(Storage s, float value) {
        java.util.Arrays.fill(array(s), value);
    }

    @Override
    public void unary(UnaryOp op, float p, float q, Storage x, Storage y) {
        Elementwise.unary(op, p, q, array(x), array(y));
    }

    @Override
    public void unaryDerivative(UnaryOp op, float p, float q, Storage x, Storage y, Storage v, Storage r) {
        Elementwise.derivative(op, p, q, array(x), arrayOrNull(y), array(v), array(r));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] sa, Storage b, int[] sb, Storage out, int[] so) {
        Elementwise.binary(op, array(a), sa, array(b), sb, array(out), so);
    }

    @Override
    public void sumTo(Storage x, int[] s, Storage out, int[] kept) {
        Elementwise.sumTo(array(x), s, array(out), kept);
    }

    @Override
    public void broadcastTo(Storage x, int[] s, Storage out, int[] so) {
        Elementwise.broadcastTo(array(x), s, array(out), so);
    }

    @Override
    public Indices maxTo(Storage x, int[] s, Storage out, int[] kept) {
        int[] argmax = new int[out.length()];
        Elementwise.maxTo(array(x), s, array(out), kept, argmax);
        return wrap(argmax);
    }

    @Override
    public void gather(Storage x, Indices idx, int block, float fill, Storage out) {
        Indexing.gather(array(x), ints(idx), block, fill, array(out));
    }

    @Override
    public void scatterAdd(Storage g, Indices idx, int block, Storage out) {
        Indexing.scatterAdd(array(g), ints(idx), block, array(out));
    }

    @Override
    public void copyStrided(Storage src, int srcOff, int srcStride, Storage dst, int dstOff, int dstStride, int len, int blocks) {
        Indexing.copyStrided(array(src), srcOff, srcStride, array(dst), dstOff, dstStride, len, blocks);
    }

    @Override
    public void permute(Storage x, int[] s, int[] axes, Storage out) {
        Indexing.permute(array(x), s, axes, array(out));
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Storage a, int aOff, int lda,
                     Storage b, int bOff, int ldb, float beta, Storage c, int cOff, int ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, array(a), aOff, lda, array(b), bOff, ldb, beta, array(c), cOff, ldc);
    }

    @Override
    public void logSoftmax(Storage x, int outer, int n, int inner, Storage y) {
        Softmaxes.logSoftmax(array(x), outer, n, inner, array(y));
    }

    @Override
    public void softmaxJacobian(Storage p, Storage v, int outer, int n, int inner, Storage r) {
        Softmaxes.softmaxJacobian(array(p), array(v), outer, n, inner, array(r));
    }

    @Override
    public void logSoftmaxDerivative(Storage y, Storage v, int outer, int n, int inner, boolean transpose, Storage r) {
        Softmaxes.logSoftmaxDerivative(array(y), array(v), outer, n, inner, transpose, array(r));
    }

    @Override
    public void crossEntropy(Storage logProbs, Indices labels, int n, int c, Storage loss) {
        Softmaxes.crossEntropy(array(logProbs), ints(labels), n, c, array(loss));
    }

    @Override
    public void crossEntropyBackward(Storage probs, Indices labels, Storage g, int n, int c, Storage dx) {
        Softmaxes.crossEntropyBackward(array(probs), ints(labels), array(g), n, c, array(dx));
    }

    @Override
    public void crossEntropyTangent(Storage probs, Indices labels, Storage t, int n, int c, Storage out) {
        Softmaxes.crossEntropyTangent(array(probs), ints(labels), array(t), n, c, array(out));
    }

    @Override
    public void conv2d(ConvGeometry g, Storage x, Storage w, Storage bias, Storage y) {
        Convolution.forward(g, array(x), array(w), arrayOrNull(bias), array(y));
    }

    @Override
    public void conv2dBackward(ConvGeometry g, Storage gy, Storage x, Storage w, Storage gx, Storage gw, Storage gb) {
        Convolution.backward(g, array(gy), array(x), array(w), arrayOrNull(gx), arrayOrNull(gw), arrayOrNull(gb));
    }

    @Override
    public Indices maxPool2d(PoolGeometry g, Storage x, Storage y) {
        int[] argmax = new int[y.length()];
        return Pooling2d.max(g, array(x), array(y), argmax) ? wrap(argmax) : null;
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage gy, Indices argmax, Storage gx) {
        Pooling.maxBackward(array(gy), ints(argmax), g.n() * g.c(), array(gx));
    }

    @Override
    public void avgPool2d(PoolGeometry g, Storage x, Storage y) {
        Pooling2d.average(g, array(x), array(y));
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, Storage gy, Storage gx) {
        Pooling2d.averageBackward(g, array(gy), array(gx));
    }

    @Override
    public void batchNormStatistics(int n, int c, int inner, Storage x, float eps, Storage mean, Storage invStd) {
        BatchNormalization.batchStatistics(n, c, inner, array(x), eps, array(mean), array(invStd));
    }

    @Override
    public void batchNormRunningStatistics(Storage runningMean, Storage runningVar, float eps, Storage mean, Storage invStd) {
        BatchNormalization.runningStatistics(array(runningMean), array(runningVar), eps, array(mean), array(invStd));
    }

    @Override
    public void batchNorm(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage beta, Storage y) {
        BatchNormalization.normalise(n, c, inner, array(x), array(mean), array(invStd), array(gamma), array(beta), array(y));
    }

    @Override
    public void batchNormDerivative(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage v,
                                    boolean training, Storage r) {
        BatchNormalization.derivative(n, c, inner, array(x), array(mean), array(invStd), array(gamma), array(v), training, array(r));
    }

    @Override
    public void batchNormParameterGradients(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gy,
                                            Storage dGamma, Storage dBeta) {
        BatchNormalization.parameterGradients(n, c, inner, array(x), array(mean), array(invStd), array(gy), array(dGamma), array(dBeta));
    }

    @Override
    public void batchNormBackward(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage gamma, Storage gy,
                                  boolean training, Storage gx, Storage dGamma, Storage dBeta) {
        BatchNormalization.backward(n, c, inner, array(x), array(mean), array(invStd), array(gamma), array(gy), training,
                arrayOrNull(gx), arrayOrNull(dGamma), arrayOrNull(dBeta));
    }

    @Override
    public void batchNormAffineTangent(int n, int c, int inner, Storage x, Storage mean, Storage invStd, Storage tGamma,
                                       Storage tBeta, Storage y) {
        BatchNormalization.addAffineTangent(n, c, inner, array(x), array(mean), array(invStd), arrayOrNull(tGamma), arrayOrNull(tBeta), array(y));
    }

    @Override
    public void batchNormUpdateRunning(int count, float eps, float momentum, Storage mean, Storage invStd,
                                       Storage runningMean, Storage runningVar) {
        BatchNormalization.updateRunning(count, eps, momentum, array(mean), array(invStd), array(runningMean), array(runningVar));
    }

    @Override
    public void sgdStep(Storage w, Storage g, Storage velocity, float lr, float momentum, float weightDecay) {
        Optimisers.sgd(array(w), array(g), array(velocity), lr, momentum, weightDecay);
    }

    @Override
    public void adamStep(Storage w, Storage g, Storage m, Storage v, float lr, float b1, float b2, float eps,
                         float c1, float c2, float weightDecay) {
        Optimisers.adam(array(w), array(g), array(m), array(v), lr, b1, b2, eps, c1, c2, weightDecay);
    }

    @Override
    public void pathRows(Storage start, Storage base, float[] alpha, int e0, int ne, int u, Storage path, Storage tangent) {
        PathIntegrals.pathRows(array(start), array(base), alpha, e0, ne, u, array(path), arrayOrNull(tangent));
    }

    @Override
    public void pathWeightedSum(double[] w, int ne, int u, Storage g, Storage t, Storage acc, int accOff) {
        PathIntegrals.weightedSum(w, ne, u, array(g), arrayOrNull(t), array(acc), accOff);
    }

    @Override
    public void pathDifferenceSum(int nk, int ne, int u, Storage g, Storage y, Storage acc, int accOff) {
        PathIntegrals.differenceSum(nk, ne, u, array(g), array(y), array(acc), accOff);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}

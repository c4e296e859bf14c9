package dev.galvani.models.onnx.ops;

import dev.galvani.engine.F;
import dev.galvani.engine.Tensor;
import dev.galvani.models.onnx.Converters;
import dev.galvani.models.onnx.Ints;
import dev.galvani.models.onnx.NodeFunction;
import dev.galvani.models.onnx.OnnxNode;
import dev.galvani.models.onnx.Values;

import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;

/** Broadcasting arithmetic, MatMul and Gemm. */
public final class Arithmetic {
    private Arithmetic() {}

    public static void register(Converters c) {
        c.add("Add", 7, n -> binary(Tensor::add, Math::addExact));
        c.add("Sub", 7, n -> binary(Tensor::sub, Math::subtractExact));
        c.add("Mul", 7, n -> binary(Tensor::mul, Math::multiplyExact));
        c.add("Div", 7, n -> binary(Tensor::div, (a, b) -> a / b)); // integer Div truncates (ONNX)
        c.add("MatMul", 1, n -> in -> matmul(Values.tensor(in[0]), Values.tensor(in[1]), n));
        c.add("Gemm", 7, Arithmetic::gemm);
    }

    /** Floats when either side is a float tensor (shape arithmetic stays in integers). */
    private static NodeFunction binary(BinaryOperator<Tensor> f, LongBinaryOperator g) {
        return in -> {
            if (in[0] instanceof Ints a && in[1] instanceof Ints b) return IntMath.binary(a, b, g);
            return f.apply(Values.tensor(in[0]), Values.tensor(in[1]));
        };
    }

    /** NumPy matmul: [m, k] x [k, n], [..., m, k] x [k, n] (rows folded), [B, m, k] x [B, k, n]. */
    static Tensor matmul(Tensor a, Tensor b, OnnxNode n) {
        if (a.dim() == 2 && b.dim() == 2) return a.matmul(b);
        if (a.dim() > 2 && b.dim() == 2) {
            int[] s = a.shape();
            s[s.length - 1] = b.size(1);
            return a.reshape(-1, a.size(-1)).matmul(b).reshape(s);
        }
        if (a.dim() == b.dim() && a.dim() >= 3 && java.util.Arrays.equals(batchOf(a), batchOf(b))) {
            int m = a.size(-2), k = a.size(-1), p = b.size(-1);
            int[] s = a.shape();
            s[s.length - 1] = p;
            return F.bmm(a.reshape(-1, m, k), b.reshape(-1, k, p)).reshape(s);
        }
        throw n.error("MatMul of " + a.shapeString() + " by " + b.shapeString() + " is not supported (2-d right side, or equal batch axes)");
    }

    private static int[] batchOf(Tensor t) {
        return java.util.Arrays.copyOf(t.shape(), t.dim() - 2);
    }

    /** {@code Y = α op(A) op(B) + β C}; the usual fully connected layer (B transposed, α = β = 1) is one linear op. */
    private static NodeFunction gemm(OnnxNode n) {
        float alpha = n.attrFloat("alpha", 1f), beta = n.attrFloat("beta", 1f);
        boolean ta = n.attrInt("transA", 0) != 0, tb = n.attrInt("transB", 0) != 0;
        boolean hasC = n.hasInput(2);
        return in -> {
            Tensor a = Values.tensor(in[0]), b = Values.tensor(in[1]), cc = hasC ? Values.tensor(in[2]) : null;
            if (a.dim() != 2 || b.dim() != 2) throw n.error("Gemm needs 2-d inputs, got " + a.shapeString() + " and " + b.shapeString());
            if (!ta && tb && alpha == 1f && beta == 1f && (cc == null || (cc.dim() == 1 && cc.size(0) == b.size(0)))) {
                return F.linear(a, b, cc);
            }
            Tensor y = (ta ? F.permute(a, 1, 0) : a).matmul(tb ? F.permute(b, 1, 0) : b);
            if (alpha != 1f) y = y.mul(alpha);
            if (cc != null) y = y.add(beta == 1f ? cc : cc.mul(beta));
            return y;
        };
    }
}

package dev.galvani.attribution.stats;

/**
 * Quantiles of Student's t distribution: the normal quantile (Acklam's rational approximation,
 * refined by one Halley step) corrected by the Cornish-Fisher expansion in 1/ν (Abramowitz and
 * Stegun 26.7.5), accurate to about 1e-3 for ν ≥ 3 and exact in the limit.
 */
public final class StudentT {
    private StudentT() {}

    public static double quantile(double p, double nu) {
        double z = Normal.quantile(p);
        double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
        double g1 = (z3 + z) / 4;
        double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
        return z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu) + g4 / (nu * nu * nu * nu);
    }

    /** The standard normal distribution. */
    public static final class Normal {
        private Normal() {}

        public static double cdf(double x) {
            return 0.5 * erfc(-x / Math.sqrt(2));
        }

        public static double quantile(double p) {
            if (p <= 0 || p >= 1) throw new IllegalArgumentException("p must be in (0, 1), got " + p);
            double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
            double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
            double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
            double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
            double q, r, x;
            if (p < 0.02425) {
                q = Math.sqrt(-2 * Math.log(p));
                x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            } else if (p <= 1 - 0.02425) {
                q = p - 0.5;
                r = q * q;
                x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
            } else {
                q = Math.sqrt(-2 * Math.log(1 - p));
                x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            }
            double e = cdf(x) - p, u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
            return x - u / (1 + x * u / 2);
        }

        /** Complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7). */
        static double erfc(double x) {
            double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
            double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? r : 2 - r;
        }
    }
}

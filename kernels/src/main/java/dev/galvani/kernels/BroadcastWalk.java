package dev.galvani.kernels;

import java.util.Arrays;

/**
 * The broadcast of a shape {@code in} to {@code out} as nested loops: runs of dimensions that are
 * all broadcast, or all carried, merge into one level, so [N, C, 1, 1] to [N, C, H, W] is two
 * levels (N·C carried, H·W broadcast). Level k has extent {@code size[k]} and steps
 * {@code stride[k]} through {@code in} (0 where broadcast); outermost first. Lets the broadcasts and
 * the sums back down walk their operands without a map of every flat index.
 */
public record BroadcastWalk(int[] size, int[] stride) {
    public static BroadcastWalk of(int[] in, int[] out) {
        int r = out.length;
        int[] inStr = new int[in.length];
        for (int i = in.length - 1, s = 1; i >= 0; i--) {
            inStr[i] = s;
            s *= in[i];
        }
        int[] size = new int[r], stride = new int[r];
        int levels = 0, prev = -1; // prev: 1 broadcast, 0 carried
        for (int i = 0; i < r; i++) {
            int j = i - (r - in.length);
            if (out[i] == 1) continue;
            int b = (j < 0 || in[j] == 1) ? 1 : 0;
            int st = b == 1 ? 0 : inStr[j];
            if (b == prev) {
                size[levels - 1] *= out[i];
                stride[levels - 1] = st;
            } else {
                size[levels] = out[i];
                stride[levels] = st;
                levels++;
                prev = b;
            }
        }
        if (levels == 0) return new BroadcastWalk(new int[] {1}, new int[] {0});
        return new BroadcastWalk(Arrays.copyOf(size, levels), Arrays.copyOf(stride, levels));
    }

    public int levels() {
        return size.length;
    }
}

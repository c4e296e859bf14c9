package dev.galvani.attribution.interactions.extract;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;

import java.util.Arrays;

/**
 * Input variables (players) of an interaction game (docs/methods.md §3.1): which positions of the input
 * (or of a named node's output) belong to each player. A masked sample {@code x_T} keeps the players
 * in {@code T} (bit i = player i) and puts the baseline at the others; positions that belong to no
 * player are always kept.
 */
public final class Players {
    /** Most players: 2^n masked samples and O(n 2^n) transforms. */
    public static final int MAX = 20;
    private final int[][] positions;   // per player, flat indices into one example's [.., H, W] or [T] grid
    private final String[] labels;

    private Players(int[][] positions, String[] labels) {
        if (positions.length > MAX) throw new GalvaniException(positions.length + " players is more than the limit of " + MAX);
        this.positions = positions;
        this.labels = labels;
    }

    public int count() {
        return positions.length;
    }

    public int[] positions(int player) {
        return positions[player];
    }

    public String label(int player) {
        return labels[player];
    }

    /**
     * {@code n} cells of a {@code rows x cols} grid over an {@code h x w} image, chosen at random
     * with the seed (Cheng et al. pick patches of the image; the rest stays as it is).
     */
    public static Players patches(int h, int w, int rows, int cols, int n, long seed) {
        if (n > rows * cols) throw new GalvaniException("--variables " + n + " is more than the " + rows * cols + " cells of a " + rows + "x" + cols + " grid");
        int[] pick = Arrays.copyOf(new Rng(seed).permutation(rows * cols), n);
        Arrays.sort(pick);
        int[][] pos = new int[n][];
        String[] labels = new String[n];
        for (int p = 0; p < n; p++) {
            int r = pick[p] / cols, c = pick[p] % cols;
            int r0 = r * h / rows, r1 = (r + 1) * h / rows, c0 = c * w / cols, c1 = (c + 1) * w / cols;
            int[] cell = new int[(r1 - r0) * (c1 - c0)];
            int k = 0;
            for (int y = r0; y < r1; y++) for (int x = c0; x < c1; x++) cell[k++] = y * w + x;
            pos[p] = cell;
            labels[p] = "cell(" + r + "," + c + ")";
        }
        return new Players(pos, labels);
    }

    /** One player per word position {@code 0..words-1} (a sentence's tokens). */
    public static Players words(String[] words) {
        int[][] pos = new int[words.length][];
        for (int i = 0; i < words.length; i++) pos[i] = new int[] {i};
        return new Players(pos, words.clone());
    }

    /**
     * {@code n} of a sentence's words as players, chosen at random with the seed and kept in
     * sentence order; the other words always stay (as an image's cells that are not players do).
     */
    public static Players someWords(String[] words, int n, long seed) {
        if (n > words.length) throw new GalvaniException(n + " players is more than the " + words.length + " words of '" + String.join(" ", words) + "'");
        int[] pick = Arrays.copyOf(new Rng(seed).permutation(words.length), n);
        Arrays.sort(pick);
        int[][] pos = new int[n][];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            pos[i] = new int[] {pick[i]};
            labels[i] = words[pick[i]];
        }
        return new Players(pos, labels);
    }

    /** For every subset in {@code [from, to)}, a keep-mask over the {@code size} positions (1 keep, 0 baseline). */
    public float[] keepMasks(long from, long to, int size) {
        int rows = (int) (to - from);
        float[] m = new float[rows * size];
        Arrays.fill(m, 1f);
        for (int r = 0; r < rows; r++) {
            long s = from + r;
            for (int p = 0; p < positions.length; p++) {
                if ((s >> p & 1) == 0) for (int q : positions[p]) m[r * size + q] = 0f;
            }
        }
        return m;
    }
}

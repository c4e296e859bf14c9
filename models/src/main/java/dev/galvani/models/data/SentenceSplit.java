package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;
import dev.galvani.engine.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validation split of a phrase-level sentiment set (SST-2's {@code train.tsv} holds every
 * phrase of the treebank's training sentences, the full sentences among them) in which no
 * training phrase occurs inside a held-out sentence. The full sentences are the maximal phrases,
 * those that occur inside no other phrase; a seeded fraction of them is held out, and every other
 * phrase whose words occur contiguously inside one of them (the sentence itself included) is
 * dropped from training. "Occurs inside" is on tokens: phrase {@code p} occurs in sentence
 * {@code s} when {@code " " + p + " "} is a substring of {@code " " + s + " "}, words joined by
 * spaces.
 *
 * <p>Both passes hash every contiguous token range with a polynomial rolling hash over interned
 * token ids (prefix hashes, so a range costs O(1)) and confirm each hit token by token: the work
 * is {@code Σ L²} over the phrases, not a substring search of every phrase in every sentence.
 */
public final class SentenceSplit {
    private SentenceSplit() {}

    /** The split, and what it took away: held-out sentences, training phrases dropped, phrases kept. */
    public record Result(TextDataset train, TextDataset heldOut, int sentences, int dropped, int kept, long seed) {
        /** One line for logs and checkpoint metadata. */
        public String describe() {
            return heldOut.size() + " of " + sentences + " full sentences held out (seed " + seed + "); " + dropped
                    + " training phrases that occur inside a held-out sentence dropped, " + kept + " kept";
        }
    }

    private static final long BASE = 0x9E3779B97F4A7C15L;   // odd, so powers never vanish mod 2^64

    public static Result split(TextDataset data, double heldOut, long seed) {
        if (!(heldOut > 0 && heldOut < 1)) throw new GalvaniException("held-out fraction must be in (0, 1), got " + heldOut);
        int n = data.size();
        int[][] ids = intern(data.tokens());
        long[][] prefix = new long[n][];
        for (int i = 0; i < n; i++) prefix[i] = prefixHashes(ids[i]);
        int maxLen = 0;
        for (int[] s : ids) maxLen = Math.max(maxLen, s.length);
        long[] pow = powers(maxLen);

        // 1. Full sentences: phrases that are no proper token range of another phrase.
        Map<Long, int[]> byHash = new HashMap<>();          // whole-phrase hash -> indices of phrases with it
        for (int i = 0; i < n; i++) {
            if (ids[i].length == 0) continue;
            byHash.merge(prefix[i][ids[i].length], new int[] {i}, SentenceSplit::append);
        }
        boolean[] inside = new boolean[n];
        for (int i = 0; i < n; i++) {
            int len = ids[i].length;
            for (int a = 0; a < len; a++) {
                for (int b = a + 1; b <= len; b++) {
                    if (b - a == len) continue;                       // the phrase itself
                    int[] hits = byHash.get(range(prefix[i], pow, a, b));
                    if (hits == null) continue;
                    for (int j : hits) if (!inside[j] && equal(ids[j], ids[i], a, b)) inside[j] = true;
                }
            }
        }
        List<Integer> full = new ArrayList<>();
        for (int i = 0; i < n; i++) if (!inside[i] && ids[i].length > 0) full.add(i);
        if (full.size() < 2) throw new GalvaniException(data.name() + ": fewer than 2 full sentences; cannot hold any out");

        // 2. Hold out a seeded fraction of them.
        int[] perm = new Rng(seed).permutation(full.size());
        int m = Math.max(1, (int) Math.round(full.size() * heldOut));
        boolean[] held = new boolean[n];
        int[] heldIdx = new int[m];
        for (int k = 0; k < m; k++) {
            heldIdx[k] = full.get(perm[k]);
            held[heldIdx[k]] = true;
        }
        Arrays.sort(heldIdx);

        // 3. Every token range of a held-out sentence, then drop the phrases that are one.
        Map<Long, int[]> ranges = new HashMap<>();          // range hash -> {sentence, start, end}, first occurrence
        Map<Long, List<int[]>> more = new HashMap<>();      // further distinct ranges with the same hash (collisions)
        for (int s : heldIdx) {
            int len = ids[s].length;
            for (int a = 0; a < len; a++) {
                for (int b = a + 1; b <= len; b++) {
                    long h = range(prefix[s], pow, a, b);
                    int[] first = ranges.putIfAbsent(h, new int[] {s, a, b});
                    if (first != null && !sameRange(ids, first, s, a, b)) more.computeIfAbsent(h, k -> new ArrayList<>()).add(new int[] {s, a, b});
                }
            }
        }
        List<Integer> keep = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            if (held[i]) continue;
            long h = prefix[i][ids[i].length];
            if (ids[i].length > 0 && occurs(ids, ids[i], ranges.get(h), more.get(h))) dropped++;
            else keep.add(i);
        }
        TextDataset train = data.subset(keep.stream().mapToInt(Integer::intValue).toArray());
        return new Result(train, data.subset(heldIdx), full.size(), dropped, keep.size(), seed);
    }

    private static int[] append(int[] a, int[] b) {
        int[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    private static boolean occurs(int[][] ids, int[] phrase, int[] first, List<int[]> more) {
        if (first == null) return false;
        if (equal(phrase, ids[first[0]], first[1], first[2])) return true;
        if (more != null) for (int[] r : more) if (equal(phrase, ids[r[0]], r[1], r[2])) return true;
        return false;
    }

    private static boolean sameRange(int[][] ids, int[] r, int s, int a, int b) {
        return equal(Arrays.copyOfRange(ids[r[0]], r[1], r[2]), ids[s], a, b);
    }

    /** {@code phrase} equals {@code sentence[a..b)}. */
    static boolean equal(int[] phrase, int[] sentence, int a, int b) {
        if (phrase.length != b - a) return false;
        for (int k = 0; k < phrase.length; k++) if (phrase[k] != sentence[a + k]) return false;
        return true;
    }

    /** Token ids, equal words equal ids. */
    static int[][] intern(List<String[]> tokens) {
        Map<String, Integer> id = new HashMap<>();
        int[][] out = new int[tokens.size()][];
        for (int i = 0; i < out.length; i++) {
            String[] t = tokens.get(i);
            out[i] = new int[t.length];
            for (int j = 0; j < t.length; j++) out[i][j] = id.computeIfAbsent(t[j], k -> id.size() + 1);
        }
        return out;
    }

    /** {@code H[k] = Σ_{j<k} t_j · BASE^(k−1−j)} (mod 2^64). */
    static long[] prefixHashes(int[] t) {
        long[] h = new long[t.length + 1];
        for (int j = 0; j < t.length; j++) h[j + 1] = h[j] * BASE + t[j];
        return h;
    }

    static long[] powers(int n) {
        long[] p = new long[n + 1];
        p[0] = 1;
        for (int i = 1; i <= n; i++) p[i] = p[i - 1] * BASE;
        return p;
    }

    /** Hash of the token range {@code [a, b)}: {@code H[b] − H[a] · BASE^(b−a)}, equal to the whole-phrase hash of those tokens. */
    static long range(long[] h, long[] pow, int a, int b) {
        return h[b] - h[a] * pow[b - a];
    }
}

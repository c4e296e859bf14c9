package dev.galvani.engine.nn;

import dev.galvani.engine.GalvaniException;

import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Collectors;

/** An unknown node name, with the nearest valid names (edit distance) in the message. */
public final class UnknownNodeException extends GalvaniException {
    public UnknownNodeException(String name, Collection<String> valid) {
        super("unknown layer '" + name + "'; nearest: " + nearest(name, valid, 5));
    }

    public static String nearest(String name, Collection<String> valid, int k) {
        return valid.stream().filter(s -> !s.isEmpty())
                .sorted(Comparator.comparingInt((String s) -> distance(name, s)).thenComparing(s -> s))
                .limit(k).collect(Collectors.joining(", "));
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Word ids: 0 is padding, 1 is unknown, then words of the training split by frequency (ties alphabetical). */
public final class Vocabulary {
    public static final int PAD = 0, UNK = 1;
    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    public Vocabulary(List<String> words) {
        if (words.size() < 2 || !words.get(0).equals("<pad>") || !words.get(1).equals("<unk>")) {
            throw new GalvaniException("vocabulary must start with <pad>, <unk>");
        }
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) throw new GalvaniException("vocabulary lists '" + words.get(i) + "' twice");
        }
    }

    /** False for a vocabulary of nothing but padding and unknown: every sentence would read as unknown words. */
    public boolean hasWords() {
        return words.size() > 2;
    }

    /** Words seen at least {@code minCount} times in {@code sentences}, at most {@code maxSize} ids in all. */
    public static Vocabulary build(List<String[]> sentences, int minCount, int maxSize) {
        Map<String, Integer> count = new HashMap<>();
        for (String[] s : sentences) for (String w : s) count.merge(w, 1, Integer::sum);
        List<String> ws = new ArrayList<>(List.of("<pad>", "<unk>"));
        count.entrySet().stream().filter(e -> e.getValue() >= minCount)
                .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(e -> -e.getValue()).thenComparing(Map.Entry::getKey))
                .limit(Math.max(0, maxSize - 2)).forEach(e -> ws.add(e.getKey()));
        return new Vocabulary(ws);
    }

    public int size() {
        return words.size();
    }

    public int id(String w) {
        return ids.getOrDefault(w, UNK);
    }

    public String word(int id) {
        return words.get(id);
    }

    public int[] encode(String[] tokens) {
        int[] out = new int[tokens.length];
        for (int i = 0; i < out.length; i++) out[i] = id(tokens[i]);
        return out;
    }

    /** One line, words separated by '\n', for checkpoint metadata. */
    public String serialise() {
        return String.join("\n", words);
    }

    public static Vocabulary parse(String s) {
        return new Vocabulary(List.of(s.split("\n", -1)));
    }
}

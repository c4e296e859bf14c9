package dev.galvani.models.data;

import java.util.Arrays;
import java.util.Locale;

/** Kim (2014)'s {@code clean_str}: keep letters, digits and ( ) , ! ? ' `, split clitics and punctuation, lower-case. */
public final class Tokenizer {
    private Tokenizer() {}

    public static String[] tokenize(String s) {
        String t = s.replaceAll("[^A-Za-z0-9(),!?'`]", " ")
                .replace("'s", " 's").replace("'ve", " 've").replace("n't", " n't").replace("'re", " 're")
                .replace("'d", " 'd").replace("'ll", " 'll")
                .replace(",", " , ").replace("!", " ! ").replace("(", " ( ").replace(")", " ) ").replace("?", " ? ")
                .trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) return new String[0];
        return Arrays.stream(t.split("\\s+")).filter(w -> !w.isEmpty()).toArray(String[]::new);
    }
}

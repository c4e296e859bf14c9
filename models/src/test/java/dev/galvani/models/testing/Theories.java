package dev.galvani.models.testing;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.quicktheories.generators.SourceDSL.integers;

/**
 * How the property tests draw their examples (QuickTheories, called from plain JUnit tests):
 * {@code galvani.tries} examples per property (200 unless Maven passes another,
 * {@code mvn test -Dgalvani.tries=5000}) drawn from the fixed seed {@code galvani.seed}
 * ({@code -Dgalvani.seed=7} searches elsewhere), so a run is reproducible. A falsified property
 * fails with its smallest example found and the seed.
 */
public final class Theories {
    private Theories() {}

    public static final int TRIES = Integer.parseInt(System.getProperty("galvani.tries", "200"));
    public static final long SEED = Long.parseLong(System.getProperty("galvani.seed", "1"));
    /** Shrinking stops after this many attempts (each one runs the property once more). */
    private static final int SHRINK_CYCLES = 2000;

    /** A theory over {@link #TRIES} examples from {@link #SEED}. */
    public static QuickTheory qt() {
        return qt(TRIES);
    }

    /** A theory over {@code tries} examples, whatever {@code galvani.tries} says (for slow properties). */
    public static QuickTheory qt(int tries) {
        return QuickTheory.qt().withExamples(tries).withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES);
    }

    /** Arrays of 0 to {@code maxLength} bytes, each any value. */
    public static Gen<byte[]> bytes(int maxLength) {
        return Generate.byteArrays(Generate.range(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    /** A position in {@code b}. */
    public static Gen<Integer> indexIn(byte[] b) {
        return integers().between(0, b.length - 1);
    }

    /** What a changed byte is XOR-ed with: 1 to 255, so the byte always changes. */
    public static Gen<Integer> xors() {
        return integers().between(1, 255);
    }

    /** UTF-16 code units other than private-use characters (U+E000..U+F8FF) and noncharacters (U+FDD0..U+FDEF, U+FFFE, U+FFFF). */
    private static final int ANY_CHARS = 0xE000 + (0xFDD0 - 0xF900) + (0xFFFE - 0xFDF0);

    private static char anyChar(int i) {
        int c = i < 0xE000 ? i : i + (0xF900 - 0xE000);
        return (char) (c < 0xFDD0 ? c : c + (0xFDF0 - 0xFDD0));
    }

    /**
     * Strings of 0 to {@code maxLength} chars, each any UTF-16 code unit but private-use characters
     * and noncharacters: control characters and lone surrogates included.
     */
    public static Gen<String> strings(int maxLength) {
        return strings(Generate.range(0, ANY_CHARS - 1, 'a').map(Theories::anyChar), maxLength);
    }

    /** Strings of 0 to {@code maxLength} chars, each one of {@code alphabet}'s. */
    public static Gen<String> strings(String alphabet, int maxLength) {
        return strings(Generate.range(0, alphabet.length() - 1).map(alphabet::charAt), maxLength);
    }

    private static Gen<String> strings(Gen<Character> chars, int maxLength) {
        Gen<Integer> lengths = Generate.range(0, maxLength);
        Gen<String> strings = in -> {
            int n = lengths.generate(in);
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) s.append(chars.generate(in));
            return s.toString();
        };
        return strings.describedAs(Theories::quoted);
    }

    /** A failing string as Java would write it: printable ASCII as is, every other char escaped. */
    private static String quoted(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') q.append('\\').append(c);
            else if (c >= 0x20 && c < 0x7f) q.append(c);
            else q.append(String.format("\\u%04x", (int) c));
        }
        return q.append('"').toString();
    }
}

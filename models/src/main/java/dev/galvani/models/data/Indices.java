package dev.galvani.models.data;

import dev.galvani.engine.GalvaniException;

import java.util.ArrayList;
import java.util.List;

/** Example indices as users write them: "0-15", "3,7,9" or "5". */
public final class Indices {
    private Indices() {}

    /** Parses {@code spec} for the named option; every index must lie in {@code 0..size-1}. */
    public static int[] parse(String option, String spec, int size) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                if (p.contains("-")) {
                    String[] ab = p.split("-");
                    int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
                    if (b < a) throw new GalvaniException(option + " range '" + p + "' is empty");
                    for (int i = a; i <= b; i++) out.add(i);
                } else {
                    out.add(Integer.parseInt(p));
                }
            } catch (NumberFormatException e) {
                throw new GalvaniException(option + " '" + spec + "' is not a list like 0-15 or 3,7,9");
            }
        }
        for (int i : out) if (i < 0 || i >= size) throw new GalvaniException(option + ": " + i + " is outside 0.." + (size - 1));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}

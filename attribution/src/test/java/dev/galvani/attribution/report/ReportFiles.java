package dev.galvani.attribution.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files an HTML page names (src and href attributes that are not web addresses or anchors). */
public final class ReportFiles {
    private ReportFiles() {}

    private static final Pattern LINK = Pattern.compile("(?:src|href)=\"([^\"#]+)\"");

    public static List<String> named(Path page) throws IOException {
        Matcher m = LINK.matcher(Files.readString(page));
        List<String> out = new ArrayList<>();
        while (m.find()) if (!m.group(1).matches("^[a-z]+:.*")) out.add(m.group(1));
        return out;
    }

    /** The named files that do not exist beside the page. */
    public static List<String> missing(Path page) throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : named(page)) if (!Files.isRegularFile(page.resolveSibling(f))) out.add(f);
        return out;
    }
}

package dev.nasflow.docs;

import dev.nasflow.cli.ExitCodes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** README's exit-code table lists exactly the codes of {@link ExitCodes}. */
class ExitCodesDocTest {
    @Test
    void readmeTableMatchesExitCodes() throws Exception {
        Set<Integer> code = new TreeSet<>();
        for (Field f : ExitCodes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                code.add(f.getInt(null));
            }
        }
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| exit code | meaning |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<Integer> doc = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(table);
        while (m.find()) {
            doc.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(code, doc, "README exit-code table vs ExitCodes");
    }
}

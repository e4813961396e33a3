package dev.nasflow.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"nasflow", "nb201-rea", "imagenet16-120", "validAccuracy", "nor_conv_3x3",
            "activities/fmnist-small.json", "model.v1.json", "recipe.json", "Data.bin", "my queue", "cifar10",
            "/usr/share/datasets/fashion-mnist", "a:b"})
    void plainValuesPass(String s) {
        assertTrue(SafeText.inspect(s).isEmpty(), s + " -> " + SafeText.inspect(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.Runtime", "com.foo.Bar", "foo.Bar", "org.example.exploit",
            "java.lang.Runtime#exec", "javax.script.ScriptEngineManager", "dev.nasflow.cli.Main",
            "x.y.Z::call", "sun.misc.Unsafe"})
    void classNamesAreRefused(String s) {
        assertTrue(SafeText.looksLikeClassName(s), s);
        assertTrue(SafeText.inspect(s).orElseThrow().message().contains("Java class name"), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a; rm -rf /", "x | nc host 1", "a && b", "`id`", "$(id)", "$HOME/x", "a > /etc/x",
            "<script>"})
    void shellSyntaxIsRefused(String s) {
        assertTrue(SafeText.inspect(s).orElseThrow().message().contains("shell syntax"), s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://x", "https://example.com/a", "ftp://h/f", "file:/etc/passwd", "jar:file:x!/",
            "ldap://evil/a", "s3://bucket/key", "www.example.com", "HTTPS://EXAMPLE.COM", "jdbc:h2:mem:x"})
    void urlsAreRefused(String s) {
        assertTrue(SafeText.inspect(s).orElseThrow().message().contains("URL"), s);
    }

    @Test
    void controlCharactersAndTemplatesAreRefused() {
        assertTrue(SafeText.inspect("a\u0000b").orElseThrow().message().contains("U+0000"));
        assertTrue(SafeText.inspect("a\u202eb").orElseThrow().message().contains("U+202E"));
        assertTrue(SafeText.inspect("#{7*7}").orElseThrow().message().contains("template"));
        assertTrue(SafeText.inspect("%{x}").orElseThrow().message().contains("template"));
    }

    @Test
    void quoteEscapesAndTruncates() {
        assertEquals("'a\\u000ab'", SafeText.quote("a\nb"));
        String q = SafeText.quote("x".repeat(100));
        assertTrue(q.endsWith("...'") && q.length() < 70, q);
        assertFalse(SafeText.quote("\u0007").contains("\u0007"));
    }
}

package dev.nasflow.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that starts real processes or servers (Temporal dev server, worker JVMs, Kafka broker restarts) or runs for
 * tens of seconds. The fast run leaves them out: {@code mvn -o test -DexcludedGroups=slow} (README, "Tests").
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {
}

package dev.nasflow.cli;

import dev.nasflow.bench.StoppingBench;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BenchStoppingCommandTest {
    @Test
    void parsesRulesAndKeepsNoneFirst() {
        List<StoppingBench.RuleConfig> rules = BenchStoppingCommand.parseRules(
                List.of("fast=asha:minEpochs=3,eta=2", "med=median"));
        assertEquals(List.of("none", "fast", "med"), rules.stream().map(StoppingBench.RuleConfig::label).toList());
        assertEquals(Map.of("minEpochs", 3, "eta", 2), rules.get(1).params());
        assertEquals(StoppingBench.defaultRules(), BenchStoppingCommand.parseRules(null));
    }

    @Test
    void badRulesNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchStoppingCommand.parseRules(List.of("asha")));
        assertEquals(true, e.getMessage().contains("LABEL=RULE"));
        e = assertThrows(IllegalArgumentException.class,
                () -> BenchStoppingCommand.parseRules(List.of("a=asha:bogus=1")));
        assertEquals(true, e.getMessage().contains("stopping.bogus"), e.getMessage());
    }
}

package dev.nasflow.api;

import dev.nasflow.model.CandidateResult;
import dev.nasflow.model.GenerationRecord;
import dev.nasflow.carried.CarriedResults;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import dev.nasflow.space.SearchSpace;
import dev.nasflow.space.Spaces;

import java.util.List;

/**
 * What a finished search returns: its final status, the leaderboard (best first) and the Pareto front.
 *
 * <p>In JSON the leaderboard is a list of results up to {@link #INLINE_LIMIT} entries; a longer one is written as
 * {@code leaderboardCompact} ({@link CarriedResults}, one generation in rank order, 8–40 bytes per result for table
 * results instead of about 530) so the workflow's result stays under Temporal's 2 MB payload limit. Reading gives the
 * same list either way.
 */
@JsonSerialize(converter = SearchResult.ToWire.class)
@JsonDeserialize(converter = SearchResult.FromWire.class)
public record SearchResult(SearchStatus status, List<CandidateResult> leaderboard, List<CandidateResult> paretoFront) {
    /** Longest leaderboard written as a JSON list. */
    public static final int INLINE_LIMIT = 1000;

    public SearchResult {
        leaderboard = List.copyOf(leaderboard);
        paretoFront = List.copyOf(paretoFront);
    }

    private static SearchSpace space(SearchStatus status) {
        return status == null || status.spec() == null ? null : Spaces.create(status.spec().space());
    }

    /** The JSON form. */
    record Wire(SearchStatus status,
                @JsonInclude(JsonInclude.Include.NON_NULL) List<CandidateResult> leaderboard,
                @JsonInclude(JsonInclude.Include.NON_NULL) CarriedResults leaderboardCompact,
                List<CandidateResult> paretoFront) {
    }

    static final class ToWire extends StdConverter<SearchResult, Wire> {
        @Override
        public Wire convert(SearchResult r) {
            SearchSpace space = r.leaderboard().size() > INLINE_LIMIT ? space(r.status()) : null;
            if (space == null) {
                return new Wire(r.status(), r.leaderboard(), null, r.paretoFront());
            }
            String id = r.status().searchId() == null ? "" : r.status().searchId();
            return new Wire(r.status(), null, CarriedResults.encode(id, space,
                    List.of(new GenerationRecord(0, r.leaderboard().size(), r.leaderboard()))), r.paretoFront());
        }
    }

    static final class FromWire extends StdConverter<Wire, SearchResult> {
        @Override
        public SearchResult convert(Wire w) {
            List<CandidateResult> board = w.leaderboard() == null ? List.of() : w.leaderboard();
            if (w.leaderboardCompact() != null) {
                SearchSpace space = space(w.status());
                if (space == null) {
                    throw new IllegalArgumentException("leaderboardCompact needs status.spec.space to be read");
                }
                board = w.leaderboardCompact().decode(space).stream().flatMap(g -> g.results().stream()).toList();
            }
            return new SearchResult(w.status(), board, w.paretoFront() == null ? List.of() : w.paretoFront());
        }
    }
}

package dev.nasflow.service;

/** Hook for meters and tests: model retrains with their quality, and predictions published. */
public interface SurrogateObserver {
    default void retrained(String searchId, long version, int results, double kendallTau, double rmse) {
    }

    default void published(int predictions) {
    }

    SurrogateObserver NONE = new SurrogateObserver() {
    };
}

package dev.nasflow.stream;

/**
 * A decoded event with where it was read from.
 *
 * @param key       record key (UTF-8), may be null
 * @param value     the decoded event
 * @param topic     source topic
 * @param partition source partition
 * @param offset    source offset
 * @param timestamp record timestamp, epoch ms
 */
public record Received<T extends StreamEvent>(String key, T value, String topic, int partition, long offset,
                                              long timestamp) {
}

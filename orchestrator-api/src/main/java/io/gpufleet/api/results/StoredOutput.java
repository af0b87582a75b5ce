package io.gpufleet.api.results;

/** One stored output of a generation: its index, file in the result store and content type. */
public record StoredOutput(int index, String file, String contentType) {}

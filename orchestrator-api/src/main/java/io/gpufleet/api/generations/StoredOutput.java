package io.gpufleet.api.generations;

/** One stored output of a generation: its index, file in the result store and content type. */
record StoredOutput(int index, String file, String contentType) {}

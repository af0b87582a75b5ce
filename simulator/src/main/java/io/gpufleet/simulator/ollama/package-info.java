/**
 * An Ollama server on a real socket: chat, generate, model management and load/unload like Ollama
 * 0.12, with deterministic tokens at a configurable rate and faults on demand.
 */
@org.jspecify.annotations.NullMarked
package io.gpufleet.simulator.ollama;

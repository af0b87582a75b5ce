package io.gpufleet.api.providers;

/**
 * Turns a profile's stored endpoint into the address this process connects to. The sandbox maps its
 * Ollama's stable name to the simulator of this process (whose port changes at every start, and
 * differs between processes that share one database); elsewhere endpoints are used as stored.
 */
public interface EndpointResolver {

  String resolve(String endpoint);

  EndpointResolver AS_STORED = endpoint -> endpoint;
}

package io.gpufleet.comfy;

/** A file a node produced, as referenced in history and executed events; fetch it via view. */
public record OutputFile(String filename, String subfolder, String type) {}

package io.gpufleet.comfy;

/** The bytes of a file served by /view and the content type the server gave. */
public record ViewedFile(byte[] bytes, String contentType) {}

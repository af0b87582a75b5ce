package io.gpufleet.api.chat;

/**
 * The seam where a chat request finds its target. {@link ProfileChatTargets} resolves a profile's
 * own endpoint, or for a fleet profile the healthy Ollama server the fleet picks for the model.
 */
interface ChatTargets {

  ChatTarget resolve(ChatViews.ChatRequest request);
}

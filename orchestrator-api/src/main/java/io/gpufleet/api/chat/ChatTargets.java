package io.gpufleet.api.chat;

/**
 * The seam where a chat request finds its target. {@link ProfileChatTargets} resolves a profile's
 * own endpoint; a fleet-aware resolver can later pick a healthy Ollama server that has the model
 * (loaded, preferably) and hand back the same kind of target.
 */
interface ChatTargets {

  ChatTarget resolve(ChatViews.ChatRequest request);
}

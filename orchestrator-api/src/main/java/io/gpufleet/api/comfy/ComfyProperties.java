package io.gpufleet.api.comfy;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ComfyUI-compatible endpoint's settings, under {@code gpufleet.comfy}.
 *
 * @param port a port of its own that serves the endpoint at the root ({@code /prompt}, {@code /ws},
 *     …) for clients that cannot be given a path, such as {@code http://host:8188}; unset: only
 *     {@code /comfy} on the main port; 0: any free port (tests)
 * @param historyLimit the most entries {@code GET /history} answers without {@code max_items}
 *     (ComfyUI keeps 10 000)
 */
@ConfigurationProperties("gpufleet.comfy")
public record ComfyProperties(@Nullable Integer port, @DefaultValue("10000") int historyLimit) {}

package io.gpufleet.api.workflows;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One input a user may set, keyed {@code node/field}. {@code type} is INT, FLOAT, STRING, BOOLEAN
 * or IMAGE (a LoadImage file); {@code min}/{@code max} bound the numbers.
 */
public record InputDefinition(
    String key,
    String type,
    @Nullable String title,
    @Nullable JsonNode defaultValue,
    @Nullable String description,
    @Nullable BigDecimal min,
    @Nullable BigDecimal max) {}

package io.gpufleet.comfy.workflow;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One input of a node definition from {@code /object_info}. Classic combos ({@code [[...], {}]})
 * and V3 combos ({@code ["COMBO", {"options": [...]}]}) both become {@code type = "COMBO"} with
 * {@link #options()}.
 */
public record InputSpec(
    String name, boolean required, String type, List<String> options, JsonNode config) {

  public InputSpec {
    options = List.copyOf(options);
  }

  public boolean isCombo() {
    return "COMBO".equals(type);
  }

  /** Whether the frontend shows this input as a widget (a value stored in widgets_values). */
  public boolean isWidget() {
    return isCombo()
        || "INT".equals(type)
        || "FLOAT".equals(type)
        || "STRING".equals(type)
        || "BOOLEAN".equals(type);
  }

  public @Nullable BigDecimal min() {
    return decimal("min");
  }

  /** Upper bound; KSampler's seed max is 2^64-1, beyond {@code long}. */
  public @Nullable BigDecimal max() {
    return decimal("max");
  }

  public @Nullable JsonNode defaultValue() {
    JsonNode d = config.get("default");
    return d == null || d.isNull() ? null : d;
  }

  /** Whether the frontend adds a UI-only control_after_generate value after this widget. */
  public boolean hasControlAfterGenerate() {
    JsonNode flag = config.get("control_after_generate");
    if (flag != null && flag.isBoolean()) {
      return flag.booleanValue();
    }
    return "INT".equals(type) && ("seed".equals(name) || "noise_seed".equals(name));
  }

  public boolean imageUpload() {
    JsonNode flag = config.get("image_upload");
    return flag != null && flag.asBoolean(false);
  }

  private @Nullable BigDecimal decimal(String key) {
    JsonNode n = config.get(key);
    return n != null && n.isNumber() ? n.decimalValue() : null;
  }
}

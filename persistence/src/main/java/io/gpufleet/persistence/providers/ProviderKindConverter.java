package io.gpufleet.persistence.providers;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link ProviderKind} as its lower-case id, which the table's CHECK allows. */
@Converter
class ProviderKindConverter implements AttributeConverter<ProviderKind, String> {
  @Override
  public String convertToDatabaseColumn(ProviderKind kind) {
    return kind.id();
  }

  @Override
  public ProviderKind convertToEntityAttribute(String id) {
    return ProviderKind.parse(id)
        .orElseThrow(() -> new IllegalStateException("unknown provider in the database: " + id));
  }
}

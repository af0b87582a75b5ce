package io.gpufleet.api.system;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactoryBuilder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON as the API documents it, and nothing looser: a string is a string, a number a number, a
 * boolean {@code true} or {@code false} ({@code 42} for a name, {@code "1"} for a flag or {@code
 * 5.5} for a count are 400s, not guesses); a key given twice, trailing content, a document nested
 * deeper than {@value #MAX_DEPTH} levels, a string longer than {@value #MAX_STRING} characters or
 * bytes that are not UTF-8 are refused while parsing. Unknown fields are refused too ({@code
 * spring.jackson.deserialization.fail-on-unknown-properties} in application.yaml). Applies to the
 * application's {@link JsonMapper}, which Spring MVC reads bodies with.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

  static final int MAX_DEPTH = 100;
  static final int MAX_STRING = 1_000_000;
  static final int MAX_NUMBER_LENGTH = 100;
  static final int MAX_NAME_LENGTH = 10_000;

  @Bean
  JsonFactoryBuilderCustomizer strictJsonParsing() {
    return StrictJson::parsing;
  }

  @Bean
  JsonMapperBuilderCustomizer strictJsonBinding() {
    return StrictJson::binding;
  }

  static void parsing(JsonFactoryBuilder factory) {
    factory
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNameLength(MAX_NAME_LENGTH)
                .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .inputDecorator(new WellFormedUtf8());
  }

  static void binding(JsonMapper.Builder mapper) {
    mapper
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .withCoercionConfig(
            LogicalType.Textual,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(
            LogicalType.Boolean,
            c ->
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail));
  }
}

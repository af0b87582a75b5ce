package io.gpufleet.vast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class ErrorBodiesTest {
  final JsonMapper mapper = JsonMapper.builder().build();

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "401|{\"success\":false,\"error\":\"auth_error\",\"msg\":\"Invalid user key\"}|auth_error|Invalid user key",
        "404|{\"msg\":\"Invalid instance id.\"}||Invalid instance id.",
        "403|{\"message\":\"Forbidden\"}||Forbidden",
        "400|{\"detail\":\"Invalid json body\"}||Invalid json body",
        "404|{\"error\":\"not_found\"}|not_found|not_found",
        "502|<html><body>Bad gateway</body></html>||<html><body>Bad gateway</body></html>",
        "500|Internal Server Error||Internal Server Error",
      })
  void everyErrorBodyShapeIsRead(int status, String body, String code, String message) {
    VastException.ApiError error =
        (VastException.ApiError) ErrorBodies.fromStatus(status, body, mapper);

    assertThat(error.status()).isEqualTo(status);
    assertThat(error.code()).isEqualTo(code == null ? "" : code);
    assertThat(error.apiMessage()).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "API requests too frequent|API requests too frequent",
        "{\"detail\":\"API requests too frequent endpoint threshold=1.0\"}|API requests too frequent endpoint threshold=1.0",
        "{\"success\":false,\"error\":\"rate_limit_exceeded\",\"msg\":\"slow\"}|slow",
      })
  void every429ShapeIsRateLimited(String body, String message) {
    VastException error = ErrorBodies.fromStatus(429, body, mapper);

    assertThat(error).isInstanceOf(VastException.RateLimited.class);
    assertThat(((VastException.RateLimited) error).apiMessage()).isEqualTo(message);
  }

  @ParameterizedTest
  @CsvSource({"502,true", "503,true", "504,true", "500,false", "404,false", "410,false"})
  void onlyGatewayFailuresAreRetryable(int status, boolean retryable) {
    assertThat(ErrorBodies.fromStatus(status, "", mapper).retryable()).isEqualTo(retryable);
  }
}

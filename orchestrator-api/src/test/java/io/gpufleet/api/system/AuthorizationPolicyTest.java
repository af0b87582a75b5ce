package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.system.AuthorizationMatrixIT.Access;
import org.junit.jupiter.api.Test;

/** The matrix's declared policy classifies by prefix, and leaves a path it does not know out. */
class AuthorizationPolicyTest {

  @Test
  void aNewPathIsUnclassifiedUntilThePolicyNamesIt() {
    assertThat(AuthorizationMatrixIT.access("GET", "/api/v1/llm-providers")).isNull();
    assertThat(AuthorizationMatrixIT.access("DELETE", "/api/v1/me")).isNull();
  }

  @Test
  void prefixesTemplatesAndMethodsDecide() {
    assertThat(AuthorizationMatrixIT.access("GET", "/api/v1/setup-scripts/{id}/versions/{version}"))
        .isEqualTo(Access.ADMIN);
    assertThat(AuthorizationMatrixIT.access("GET", "/api/v1/generations/{id}/events"))
        .isEqualTo(Access.OWNED);
    assertThat(AuthorizationMatrixIT.access("GET", "/api/v1/generations/stats"))
        .isEqualTo(Access.ANY_USER);
    assertThat(AuthorizationMatrixIT.access("PUT", "/api/v1/workflows/{id}"))
        .isEqualTo(Access.ADMIN);
    assertThat(AuthorizationMatrixIT.access("GET", "/api/v1/workflows/{id}"))
        .isEqualTo(Access.ANY_USER);
    assertThat(AuthorizationMatrixIT.access("POST", "/api/v1/auth/login")).isEqualTo(Access.PUBLIC);
  }
}

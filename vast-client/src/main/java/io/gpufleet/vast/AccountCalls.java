package io.gpufleet.vast;

/** The account behind the API key. */
final class AccountCalls {
  private final VastCalls calls;

  AccountCalls(VastCalls calls) {
    this.calls = calls;
  }

  VastUser currentUser() {
    return VastJson.user(
        calls.call(
            Endpoint.CURRENT_USER,
            "GET",
            calls.url("/api/v0/users/current/").build(),
            null,
            VastCalls.Retry.TRANSIENT));
  }
}

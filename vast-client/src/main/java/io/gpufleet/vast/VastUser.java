package io.gpufleet.vast;

import org.jspecify.annotations.Nullable;

/**
 * The account behind the API key.
 *
 * @param credit spendable credit in $
 * @param balance account balance in $ (Vast's own sign convention)
 */
public record VastUser(
    long id, @Nullable String username, @Nullable String email, double credit, double balance) {}

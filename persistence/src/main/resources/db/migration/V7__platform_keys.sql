-- The platform's SSH key pair. The private key is stored encrypted with the master key.
CREATE TABLE platform_keys (
    name             VARCHAR(32)  PRIMARY KEY,
    public_key       TEXT         NOT NULL,
    fingerprint      VARCHAR(128) NOT NULL,
    private_key_enc  TEXT         NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL
);

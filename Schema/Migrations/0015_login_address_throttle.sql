-- Failed logins per client address (issue 15): an account locks after 5 failures in a row, but an
-- address trying one password on many accounts (password spraying) never fails twice on one
-- account. This counts the failures of each address, whatever the account or county, in a window
-- that starts at its first failure; past the policy's limit the address's logins are refused until
-- the window ends (WebSessionPolicy.maximumAddressFailures, addressWindowSeconds).
CREATE TABLE login_address_failures (
    address           text        PRIMARY KEY,
    failures          integer     NOT NULL CHECK (failures > 0),
    window_started_at timestamptz NOT NULL
);

"""schemathesis hooks for kaohe's API (Deploy/scripts/schemathesis.sh loads them).

Idempotency-Key: every request that carries a key the OpenAPI document allows gets a fresh one.
The server is right to refuse a key used before for a different request (422
`idempotency.key-reused`), but schemathesis draws keys from a small space and would reuse them
across operations; a malformed key (a negative test) is sent as it was generated.
"""
import re
import uuid

import schemathesis

VALID_KEY = re.compile(r'^(?:"(?:[ !#-\[\]-~]|\\[\\"]){1,255}"|[!#-~](?:[ -~]{0,253}[!-~])?)$')


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and VALID_KEY.match(headers[name]):
            headers[name] = f'"{uuid.uuid4()}"'


@schemathesis.serializer("application/pdf")
def pdf(ctx, value):
    """An attachment is a PDF: the generated text after the `%PDF-` magic the route checks."""
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return b"%PDF-1.4\n" + data

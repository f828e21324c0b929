"""JWT verification, with tokens signed exactly as the CDS Hooks Sandbox signs them (its
published test key), and every rejection proved."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from osseous.interop.cds_jwt import JwtRejected, JwtVerifier, TrustedIssuer
from tests.third_party import JWT

FIXTURES = JWT
SANDBOX_KEY = (FIXTURES / "sandbox" / "ecprivkey.pem").read_bytes()
ISS = "https://sandbox.cds-hooks.org"
KID = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f"
JKU = "https://sandbox.cds-hooks.org/.well-known/jwks.json"
URL = "https://osseous.example/cds-services/osseous-patient-view"

def sandbox_token(aud: str = URL, **overrides: Any) -> str:
    """A token built the way the Sandbox's jwt-generator builds one."""
    now = time.time()
    claims = {"iss": ISS, "aud": aud, "exp": round(now + 300), "iat": round(now),
              "jti": str(uuid.uuid4())}
    headers = {"alg": "ES384", "typ": "JWT", "kid": KID, "jku": JKU}
    key = overrides.pop("key", SANDBOX_KEY)
    alg = overrides.pop("alg", "ES384")
    headers.update(overrides.pop("headers", {}))
    claims.update(overrides)
    for name, value in list(claims.items()):
        if value is None:
            del claims[name]
    return jwt.encode(claims, key, algorithm=alg, headers={**headers, "alg": alg})


@pytest.fixture
def verifier() -> JwtVerifier:
    issuer = TrustedIssuer.from_file(ISS, FIXTURES / "sandbox" / "jwks.json", (JKU,))
    return JwtVerifier({ISS: issuer})


def test_a_sandbox_token_verifies(verifier: JwtVerifier) -> None:
    claims = verifier.verify(sandbox_token(), URL)
    assert claims["iss"] == ISS and claims["aud"] == URL


def test_the_spec_example_token_is_well_formed() -> None:
    header = json.loads((FIXTURES / "spec-example" / "jwt-header.json").read_text())
    assert header["alg"] in ("ES384", "RS384")


#: times are offsets from the moment the test runs ("+120" = two minutes ahead), not from
#: collection, which can be minutes earlier in the full suite
@pytest.mark.parametrize(("change", "reason"), [
    ({"aud": "https://elsewhere.example/cds-services/x"}, "aud"),
    ({"exp": "-60", "iat": "-400"}, "expired"),
    ({"iat": "+120"}, "future"),
    ({"jti": None}, "jti"),
    ({"exp": None}, "exp"),
    ({"iss": "https://untrusted.example"}, "not trusted"),
    ({"headers": {"jku": "https://evil.example/jwks.json"}}, "allow-list"),
    ({"headers": {"kid": "another-key"}}, "kid"),
    ({"exp": "+7200"}, "longer"),
])
def test_rejections(verifier: JwtVerifier, change: dict[str, Any], reason: str) -> None:
    now = round(time.time())
    claims = {k: now + int(v) if k in ("exp", "iat") and isinstance(v, str) else v
              for k, v in change.items()}
    with pytest.raises(JwtRejected, match=reason):
        verifier.verify(sandbox_token(**claims), URL)


def test_replayed_jti_is_rejected(verifier: JwtVerifier) -> None:
    token = sandbox_token()
    verifier.verify(token, URL)
    with pytest.raises(JwtRejected, match="replay"):
        verifier.verify(token, URL)


def test_alg_none_and_hmac_are_refused(verifier: JwtVerifier) -> None:
    claims = {"iss": ISS, "aud": URL, "exp": round(time.time()) + 300,
              "iat": round(time.time()), "jti": str(uuid.uuid4())}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(JwtRejected, match="'none' refused"):
        verifier.verify(unsigned, URL)
    # an attacker signs with HMAC using the public key as the secret (built by hand: PyJWT
    # itself refuses to sign like that)
    import hashlib
    import hmac

    public = (FIXTURES / "sandbox" / "jwks.json").read_bytes()
    enc = jwt.utils.base64url_encode
    signing_input = (enc(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"."
                     + enc(json.dumps(claims).encode()))
    signature = enc(hmac.new(public, signing_input, hashlib.sha256).digest())
    hmac_token = (signing_input + b"." + signature).decode()
    with pytest.raises(JwtRejected, match="'HS256' refused"):
        verifier.verify(hmac_token, URL)


def test_wrong_signing_key_is_rejected(verifier: JwtVerifier) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(JwtRejected):
        verifier.verify(sandbox_token(key=other, alg="RS384"), URL)


def test_tampered_claims_are_rejected(verifier: JwtVerifier) -> None:
    head, _claims, sig = sandbox_token().split(".")
    forged = jwt.utils.base64url_encode(json.dumps({
        "iss": ISS, "aud": URL, "exp": round(time.time()) + 300, "iat": round(time.time()),
        "jti": "forged"}).encode()).decode()
    with pytest.raises(JwtRejected, match="invalid token"):
        verifier.verify(f"{head}.{forged}.{sig}", URL)


def test_garbage_is_rejected(verifier: JwtVerifier) -> None:
    with pytest.raises(JwtRejected, match="malformed"):
        verifier.verify("not-a-jwt", URL)

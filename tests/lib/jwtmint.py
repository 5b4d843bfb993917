# SPDX-License-Identifier: BSD-3-Clause
"""The one JWT minter of the Python test code (standard library and the
openssl command only): the HTTPS mock signs its login tokens with it, the
fuzz seed generator and the attack tests build tokens with it.  Header
and payload are dicts (serialised with json.dumps) or text taken
verbatim, so deliberately wrong tokens can be built too.  The
integration tests mint through build/tools/armint, which shares the C
minter with the unit tests."""
import base64
import hashlib
import hmac
import json
import subprocess


def b64url(data):
    """base64url without padding, of bytes or text."""
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def part(value):
    """One encoded segment: a dict as JSON, text or bytes verbatim."""
    if isinstance(value, dict):
        value = json.dumps(value)
    return b64url(value)


def signing_input(header, payload):
    return part(header) + "." + part(payload)


def token(header, payload, sig=b""):
    """A compact token with the given signature bytes (none by default)."""
    return signing_input(header, payload) + "." + b64url(sig)


def hs256(secret, header, payload):
    """HMAC-SHA256 with the secret's bytes."""
    msg = signing_input(header, payload)
    sig = hmac.new(secret, msg.encode(), hashlib.sha256).digest()
    return msg + "." + b64url(sig)


def rs256(key_path, header, payload):
    """RSA-SHA256 with a private key PEM file (openssl dgst)."""
    msg = signing_input(header, payload)
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path],
                         input=msg.encode(), check=True,
                         capture_output=True).stdout
    return msg + "." + b64url(sig)

#!/usr/bin/env python3
"""Checks a JWS and its key with a third-party library (pyca/cryptography), apart from libcrypto's
use in Rounds. Usage: check_jws.py JWKS_FILE COMPACT_JWS. Prints the key's RFC 7638 thumbprint and
"valid" or "invalid"; exits 1 when the signature does not verify."""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(jwk):
    required = {"EC": ["crv", "kty", "x", "y"], "RSA": ["e", "kty", "n"]}[jwk["kty"]]
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return b64e(hashlib.sha256(canonical.encode()).digest())


def main():
    jwks = json.load(open(sys.argv[1]))
    token = sys.argv[2]
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64(header_b64))
    jwk = next(k for k in jwks["keys"] if k.get("kid") == header.get("kid"))
    print("thumbprint", thumbprint(jwk))
    signed = (header_b64 + "." + payload_b64).encode()
    signature = b64(signature_b64)
    try:
        if jwk["kty"] == "EC":
            key = ec.EllipticCurvePublicNumbers(int.from_bytes(b64(jwk["x"]), "big"), int.from_bytes(b64(jwk["y"]), "big"),
                                                ec.SECP384R1()).public_key()
            der = utils.encode_dss_signature(int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big"))
            key.verify(der, signed, ec.ECDSA(hashes.SHA384()))
        else:
            key = rsa.RSAPublicNumbers(int.from_bytes(b64(jwk["e"]), "big"), int.from_bytes(b64(jwk["n"]), "big")).public_key()
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA384())
    except Exception as error:
        print("invalid", type(error).__name__)
        return 1
    print("valid", header["alg"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

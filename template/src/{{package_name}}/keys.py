"""The API key store, and `create-api-key`, the command that makes a new key.

Keys are never stored: the configuration maps the SHA-256 digest of each key to
its caller. A presented key is hashed and looked up by digest, so no secret is
ever compared byte by byte.
"""

import argparse
import hashlib
import json
import secrets
from collections.abc import Mapping

from .caller import Caller
from .config import KeyEntry

KEY_PREFIX = "sk-"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    def __init__(self, entries: Mapping[str, KeyEntry], *, tiers: Mapping[str, object], default_tier: str) -> None:
        self._callers = {
            digest: Caller(id=entry.user, tier=_known_tier(entry.tier, tiers, default_tier))
            for digest, entry in entries.items()
        }

    def caller_for(self, key: str) -> Caller | None:
        return self._callers.get(hash_key(key))


def _known_tier(tier: str | None, tiers: Mapping[str, object], default_tier: str) -> str:
    return tier if tier is not None and tier in tiers else default_tier


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Create a new API key and print its API_KEYS entry.")
    parser.add_argument("user", help="who the key belongs to (logged as the caller)")
    parser.add_argument("--tier", default="free", help="rate-limit tier (default: free)")
    args = parser.parse_args(argv)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    entry = {hash_key(key): {"user": args.user, "tier": args.tier}}
    print(f"New API key for {args.user} (shown once, store it now): {key}")
    print("Add this entry to API_KEYS (or the API_KEYS_FILE JSON):")
    print(json.dumps(entry))

"""The cryptography of a sealed vote, on PyNaCl's primitives only.

* A teller's key pair is derived from their passphrase with Argon2id (``nacl.pwhash``);
  only the public half is kept.
* A session has its own X25519 key pair. Its private key is sealed in turn to the
  tellers of every k-subset of the session's n tellers (nested sealed boxes), so any k of
  them together can unwrap it and fewer cannot; no secret-sharing arithmetic of our own.
* A ballot is its marks as JSON, padded with spaces to a length fixed by the slate, sealed
  to the session's public key (``nacl.public.SealedBox``): its ciphertext has the same
  length whatever the marks. Its tracker is a hash of the ciphertext.
"""

import base64
import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping

import nacl.exceptions
import nacl.pwhash
import nacl.utils
from django.conf import settings
from nacl.public import PrivateKey, PublicKey, SealedBox

ARGON = nacl.pwhash.argon2id
KDF_LIMITS = {
    "moderate": (ARGON.OPSLIMIT_MODERATE, ARGON.MEMLIMIT_MODERATE),
    "interactive": (ARGON.OPSLIMIT_INTERACTIVE, ARGON.MEMLIMIT_INTERACTIVE),
    # Tests only: a passphrase stretched this little is cheap to guess.
    "min": (ARGON.OPSLIMIT_MIN, ARGON.MEMLIMIT_MIN),
}
# The longest mark a ballot can carry, as JSON ("unsatisfied" with its quotes).
_LONGEST_MARK = len(json.dumps("unsatisfied"))


class SealingError(Exception):
    """A key or a ballot that does not open: a wrong passphrase, or tampered data."""


def kdf_limits() -> tuple[int, int]:
    return KDF_LIMITS[settings.BALLOT_KEY_STRENGTH]


def derive_private_key(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> PrivateKey:
    seed = ARGON.kdf(
        PrivateKey.SIZE, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
    )
    return PrivateKey(seed)


def new_teller_key(passphrase: str) -> dict:
    """The public record of a teller's key: public key, salt and Argon2id limits."""
    salt = nacl.utils.random(ARGON.SALTBYTES)
    opslimit, memlimit = kdf_limits()
    private = derive_private_key(passphrase, salt, opslimit, memlimit)
    return {
        "public_key": bytes(private.public_key).hex(),
        "salt": salt.hex(),
        "opslimit": opslimit,
        "memlimit": memlimit,
    }


def teller_private_key(record, passphrase: str) -> PrivateKey | None:
    """The teller's private key if `passphrase` is theirs (it derives their public key)."""
    private = derive_private_key(
        passphrase, bytes.fromhex(record.salt), record.opslimit, record.memlimit
    )
    if bytes(private.public_key).hex() != record.public_key:
        return None
    return private


def new_session_key() -> PrivateKey:
    return PrivateKey.generate()


def wrap_session_key(
    private: PrivateKey, teller_keys: Mapping[int, str], k: int
) -> list[tuple[list[int], bytes]]:
    """The session key sealed to every k-subset of the tellers (user id → public key hex):
    for each subset, sealed to its first teller, that box to the second, and so on."""
    shares = []
    for subset in itertools.combinations(sorted(teller_keys), k):
        blob = bytes(private)
        for teller_id in subset:
            blob = SealedBox(PublicKey(bytes.fromhex(teller_keys[teller_id]))).encrypt(blob)
        shares.append((list(subset), blob))
    return shares


def unwrap_session_key(
    shares: Iterable[tuple[list[int], bytes]], teller_privates: Mapping[int, PrivateKey]
) -> PrivateKey:
    """Open the session key with the private keys of some tellers (at least k of them)."""
    for subset, blob in shares:
        if not set(subset) <= set(teller_privates):
            continue
        try:
            for teller_id in reversed(subset):
                blob = SealedBox(teller_privates[teller_id]).decrypt(bytes(blob))
        except nacl.exceptions.CryptoError as error:
            raise SealingError("a key share does not open") from error
        return PrivateKey(blob)
    raise SealingError("not enough tellers to open the session key")


def padded_length(candidate_ids: Iterable[str]) -> int:
    """The length every ballot of a slate is padded to: that of the longest ballot the
    slate allows (each candidate with the longest mark)."""
    return 2 + sum(len(json.dumps(str(cid))) + 1 + _LONGEST_MARK + 1 for cid in candidate_ids)


def seal_ballot(public_key_hex: str, marks: dict, candidate_ids: Iterable[str]) -> bytes:
    plain = json.dumps(marks, sort_keys=True, separators=(",", ":")).encode("utf-8")
    length = padded_length(candidate_ids)
    if len(plain) > length:
        raise SealingError("a ballot longer than its slate allows")
    return SealedBox(PublicKey(bytes.fromhex(public_key_hex))).encrypt(plain.ljust(length))


def open_ballot(private: PrivateKey, sealed: bytes) -> dict:
    try:
        return json.loads(SealedBox(private).decrypt(bytes(sealed)).decode("utf-8"))
    except (nacl.exceptions.CryptoError, ValueError) as error:
        raise SealingError("a sealed ballot does not open") from error


def tracker_of(sealed: bytes) -> str:
    """``ABCD-EFGH-JKMN-PQRS``: 80 bits of the ciphertext's SHA-256, in base32."""
    raw = base64.b32encode(hashlib.sha256(bytes(sealed)).digest()[:10]).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_tracker(text: str) -> str:
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4)) if len(raw) == 16 else raw


def ballots_digest(ballots: Iterable[dict]) -> str:
    """A hash of the counted ballots, independent of their order: put on the decision log
    at counting and at the announcement, so a later change to a ballot row shows."""
    lines = sorted(json.dumps(m, sort_keys=True, separators=(",", ":")) for m in ballots)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

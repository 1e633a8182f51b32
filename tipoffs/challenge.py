"""The self-hosted challenge of the public form: no third-party captcha service.

The page carries a signed token (HMAC with SECRET_KEY, via django.core.signing) holding a
random nonce, the proof-of-work difficulty and the time it was issued. Two ways to pass it:

* with JavaScript (static/js/tipoffs.js): find a counter such that SHA-256("<nonce>:<counter>")
  starts with `bits` zero bits — well under a second on a phone, one hash for the server;
* without JavaScript: answer the small sum shown on the page. Its numbers are derived from
  the nonce with an HMAC, so the token itself does not give the answer away.

A token is good for TIPOFFS_CHALLENGE_MAX_AGE seconds and for one successful submission: its
nonce is then remembered in the shared "tipoffs" cache until it expires.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SALT = "tipoffs.challenge"
CACHE_ALIAS = "tipoffs"


class ChallengeError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def max_age() -> int:
    return int(getattr(settings, "TIPOFFS_CHALLENGE_MAX_AGE", 2 * 3600))


def pow_bits() -> int:
    return int(getattr(settings, "TIPOFFS_POW_BITS", 14))


@dataclass(frozen=True)
class Challenge:
    token: str
    nonce: str
    bits: int

    def _numbers(self) -> tuple[int, int]:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"{SALT}:{self.nonce}".encode(), hashlib.sha256).digest()
        return 2 + digest[0] % 18, 1 + digest[1] % 9

    @property
    def question(self) -> str:
        a, b = self._numbers()
        return _("%(a)d 加 %(b)d 等于多少？") % {"a": a, "b": b}

    @property
    def answer(self) -> int:
        a, b = self._numbers()
        return a + b


def issue() -> Challenge:
    nonce = secrets.token_hex(12)
    bits = pow_bits()
    token = signing.dumps({"n": nonce, "d": bits}, salt=SALT)
    return Challenge(token=token, nonce=nonce, bits=bits)


def read(token: str) -> Challenge:
    """The challenge behind a token; ChallengeError when forged or expired."""
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=max_age())
        return Challenge(token=token, nonce=str(payload["n"]), bits=int(payload["d"]))
    except signing.SignatureExpired:
        raise ChallengeError("challenge_expired", _("页面停留时间过长，验证已过期，请回答新的验证问题后再提交。"))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ChallengeError("challenge_invalid", _("验证信息无效，请回答新的验证问题后再提交。"))


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def proof_of_work_ok(challenge: Challenge, counter: str) -> bool:
    counter = (counter or "").strip()
    if not counter.isdigit() or len(counter) > 12:
        return False
    digest = hashlib.sha256(f"{challenge.nonce}:{counter}".encode()).digest()
    return leading_zero_bits(digest) >= challenge.bits


def _used_key(challenge: Challenge) -> str:
    return f"challenge-used:{challenge.nonce}"


def verify(token: str, *, answer: str = "", proof: str = "") -> Challenge:
    """Check a submitted challenge without using it up (a form with other errors keeps it)."""
    challenge = read(token)
    if not proof_of_work_ok(challenge, proof):
        given = (answer or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        if not given:
            raise ChallengeError("challenge_required", _("请回答验证问题。"))
        if not given.isdigit() or int(given) != challenge.answer:
            raise ChallengeError("challenge_wrong", _("验证问题的答案不正确，请重新计算。"))
    try:
        used = caches[CACHE_ALIAS].get(_used_key(challenge))
    except Exception:  # a cache outage must not take the public form down
        logger.warning("tipoffs challenge cache unavailable", exc_info=True)
        used = None
    if used:
        raise ChallengeError("challenge_used", _("该验证已使用过，请回答新的验证问题后再提交。"))
    return challenge


def consume(challenge: Challenge) -> bool:
    """Use the token up; False if another submission used it first (atomic `add`)."""
    try:
        return bool(caches[CACHE_ALIAS].add(_used_key(challenge), 1, timeout=max_age() + 60))
    except Exception:
        logger.warning("tipoffs challenge cache unavailable", exc_info=True)
        return True


def release(challenge: Challenge) -> None:
    """Give a token back after the submission it was used for failed (so the reporter need not
    answer again)."""
    try:
        caches[CACHE_ALIAS].delete(_used_key(challenge))
    except Exception:
        logger.warning("tipoffs challenge cache unavailable", exc_info=True)

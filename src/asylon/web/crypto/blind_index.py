"""Keyed blind indexes of names: exact-name search over encrypted names.

For each name of a client (the full name and every alias, in any of Latin, Arabic and
Cyrillic script) the index keeps HMAC-SHA256 digests, under a blind-index key of the key file:

- of the whole normalised name (``name``): the words normalised one by one with
  :func:`asylon.names.normalise.normalise_token` (Latin folded to lower-case ASCII, Arabic
  without diacritics and with its letter variants unified, Cyrillic lower case with ё→е) and
  joined by one space;
- of each normalised word (``token``), and of the parts of a hyphenated word.

A search normalises its text the same way and finds the clients that have the whole-name
digest, or every word's digest (in any order): "Nadim Example-Khayyat", "nadim", "Надим
Хайят", "نديم الخياط" find the client; "Nad" or "Khayy" do not. The database holds only the
digests (128 bits, hex), which reveal nothing without the key, though equal names have equal
digests (the price of searching without decrypting; a per-client salt would make search a
scan).

Blind-index key rotation (``asylon keys rotate-index``): a new index key is added and made
current; the digests of every client are recomputed in batches (old and new digests are both
searched meanwhile, each row naming its key id); then ``asylon keys retire <old id>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from asylon.names.normalise import normalise_token
from asylon.web.crypto.keys import Keyring, keyring

DIGEST_HEX = 32  # 128 bits
_SPLIT = re.compile(r"[\s,;:()\[\]{}\"«»<>/|]+")
_EDGE = ".!?*_'`’‘ʼ-"


def words(name: str) -> list[str]:
    """The normalised words of a name, in order."""
    out = []
    for raw in _SPLIT.split(name or ""):
        word = normalise_token(raw.strip(_EDGE)).strip(_EDGE) if raw.strip(_EDGE) else ""
        if word:
            out.append(word)
    return out


def _tokens(ws: list[str]) -> set[str]:
    out = set(ws)
    for w in ws:
        if "-" in w:
            out.update(p for p in w.split("-") if p)
    return out


def digest(key: bytes, kind: str, text: str) -> str:
    message = b"asylon blind index v1\x00" + kind.encode() + b"\x00" + text.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:DIGEST_HEX]


def name_digests(names: Iterable[str], key: bytes) -> set[str]:
    """Every digest the index keeps for these names under ``key``."""
    out: set[str] = set()
    for name in names:
        ws = words(name)
        if not ws:
            continue
        out.add(digest(key, "name", " ".join(ws)))
        out.update(digest(key, "token", t) for t in _tokens(ws))
    return out


def client_names(client: Any) -> list[str]:
    return [n for n in [client.full_name, *(client.aliases or [])] if isinstance(n, str) and n]


def reindex(client: Any, ring: Keyring | None = None) -> None:
    """Replace every digest of the client by those of its names under the current index key
    (a changed name must not stay findable under an older key)."""
    from asylon.web.cases.models import ClientNameKey

    ring = ring or keyring()
    kid = ring.index_current
    wanted = name_digests(client_names(client), ring.index_keys[kid])
    ClientNameKey.objects.filter(client_id=client.pk).delete()
    ClientNameKey.objects.bulk_create(
        ClientNameKey(client_id=client.pk, kid=kid, digest=d) for d in sorted(wanted)
    )


def matching(keys: Any, owner: str, query: str, ring: Keyring | None = None) -> Any:
    """A Q over the owners' ``pk`` (``Q(pk__in=...)``; None if the query has no word): the
    owners whose name (or an alias) is exactly the query, or holds every word of it.

    ``keys`` is a digest table (``kid``, ``digest`` and the ``owner`` column: ClientNameKey
    with ``client_id``, the victim lists' VictimNameKey with ``record_id``); every index key
    still in the key file is searched, so a search works during a rotation."""
    from django.db.models import Exists, OuterRef, Q

    ws = words(query)
    if not ws:
        return None
    ring = ring or keyring()
    toks = _tokens(ws)
    condition = Q(pk__in=[])
    for kid, key in ring.index_keys.items():
        whole = digest(key, "name", " ".join(ws))
        first, *others = sorted({digest(key, "token", t) for t in toks})
        # The owners with the first word, each kept if it has every other one: a probe of the
        # (digest, kid, owner) index per owner, where grouping every owner of any of the words
        # and counting them (a common given name and a common family name: 8,000 rows) took
        # twice as long.
        every_word = keys.objects.filter(kid=kid, digest=first)
        for other in others:
            every_word = every_word.filter(
                Exists(keys.objects.filter(kid=kid, digest=other, **{owner: OuterRef(owner)}))
            )
        every_word = every_word.values(owner)
        exact = keys.objects.filter(kid=kid, digest=whole).values(owner)
        condition |= Q(pk__in=exact) | Q(pk__in=every_word)
    return condition


def matching_clients(query: str, ring: Keyring | None = None) -> Any:
    """The clients whose name or an alias is the query or holds every word of it
    (:func:`matching`)."""
    from asylon.web.cases.models import ClientNameKey

    return matching(ClientNameKey, "client_id", query, ring)


def query_digest(query: str, ring: Keyring | None = None) -> str:
    """What the audit log keeps of a name search: ``<index key id>:<digest>`` of the normalised
    query, never the name. Whoever holds the key file can answer "did anyone search for this
    person?" by computing the digest of the name; the log alone reveals no name."""
    ring = ring or keyring()
    kid = ring.index_current
    return f"{kid}:{digest(ring.index_keys[kid], 'query', ' '.join(words(query)))}"


def cases_named(cases: Any, query: str) -> Any:
    """``cases`` (a Case queryset) whose client's name or alias is ``query`` exactly, or holds
    every word of it; none when the query has no word."""
    from asylon.web.cases.models import Client

    condition = matching_clients(query)
    if condition is None:
        return cases.none()
    return cases.filter(client__in=Client.objects.filter(condition).values("pk"))

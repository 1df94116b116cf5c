"""Exact-name search over the encrypted names of victim records: the blind index of
:mod:`asylon.web.crypto.blind_index` (the same normalisation, keys and digests as the clients'
names), kept in :class:`~asylon.web.victims.models.VictimNameKey`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from asylon.web.crypto.blind_index import matching, name_digests
from asylon.web.crypto.keys import Keyring, keyring
from asylon.web.victims.models import VictimNameKey, VictimRecord


def reindex_records(records: Iterable[VictimRecord], ring: Keyring | None = None) -> None:
    """Replace every digest of these records by those of their names under the current
    index key."""
    ring = ring or keyring()
    kid = ring.index_current
    key = ring.index_keys[kid]
    rows = [r for r in records if r.pk is not None]
    VictimNameKey.objects.filter(record__in=[r.pk for r in rows]).delete()
    VictimNameKey.objects.bulk_create(
        (
            VictimNameKey(record_id=r.pk, kid=kid, digest=d)
            for r in rows
            for d in sorted(name_digests([r.name], key))
        ),
        batch_size=1000,
    )


def matching_records(query: str, ring: Keyring | None = None) -> Q | None:
    """A Q over records' ``pk``: the records whose name is exactly the query or holds every
    word of it (in any script the normaliser folds); None when the query has no word."""
    result: Q | None = matching(VictimNameKey, "record_id", query, ring)
    return result


def records_named(query: str) -> Any:
    condition = matching_records(query)
    if condition is None:
        return VictimRecord.objects.none()
    return VictimRecord.objects.filter(condition)


def reindex_all_records(batch: int = 500) -> int:
    """Every record's digests under the current index key (after ``asylon keys rotate-index``,
    which re-indexes clients only); returns the records redone."""
    from django.db import transaction

    ring = keyring()
    done, after = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                VictimRecord.objects.filter(pk__gt=after)
                .exclude(
                    pk__in=VictimNameKey.objects.filter(kid=ring.index_current).values("record_id")
                )
                .order_by("pk")
                .only("id", "name")[:batch]
            )
            reindex_records(rows, ring)
        if not rows:
            return done
        done += len(rows)
        after = rows[-1].pk

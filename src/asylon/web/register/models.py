"""The accountability register in the database: one table per record type of the pure core
(:mod:`asylon.register.models`), each row the current version of one record, its review status
and the SHA-256 of its canonical JSON; every version and every status change kept as an
append-only :class:`Revision`; evidence files kept through the documents storage (by SHA-256);
an append-only, hash-chained :class:`CustodyEntry` log per evidence item.

Encrypted at rest (:mod:`asylon.web.crypto.fields`, migration 0002): whatever names or
describes a person — persons' names, birth dates and places, victims' names and ages, who
evidence was obtained from or handed to, file names — every title and citation (a court
judgment or a witness statement names people) and every free text (descriptions, notes,
pinpoints, reasons), with each revision's canonical JSON, which holds all of these. Ids,
kinds, statuses, dates, places, units, positions and the hashes stay in clear: the pages
filter and join on them. A register dump alone names nobody.

The column names are the core's field names (links as ``<x>_id`` holding the linked record's
id, lists as JSON), so :mod:`.records` converts rows and core records generically. Strings of
this app are not translated yet: the register's pages (and their catalogues) come with them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from asylon.register.models import (
    ALLEGATION_ROLES,
    CERTAINTIES,
    EVIDENCE_KINDS,
    LIABILITY_MODES,
    RECORD_TYPES,
    SOURCE_KINDS,
    UNIT_KINDS,
)
from asylon.web.crypto.fields import EncryptedJSONField, EncryptedTextField


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in values]


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    PEER_REVIEWED = "peer_reviewed", "peer reviewed"
    FINAL = "final", "final"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused: rows of an append-only log are only added."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class RegisterRecord(models.Model):
    """What every record row has besides the core's fields."""

    RECORD_TYPE: ClassVar[str] = ""

    record_id = models.CharField("record id", max_length=128, unique=True)
    status = models.CharField(
        "review status", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField("current revision", default=0)
    sha256 = models.CharField("SHA-256 of the canonical JSON", max_length=64)
    updated_at = models.DateTimeField("updated at", auto_now=True)
    # the core's common fields
    source_ids = models.JSONField(default=list, blank=True)
    notes = EncryptedTextField(null=True, blank=True)
    verify = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["record_id"]

    def __str__(self) -> str:
        return f"{self.RECORD_TYPE} {self.record_id}"


def _link(to: str, related: str, null: bool = False) -> Any:
    """A link to another record by its record id (the column holds that id)."""
    return models.ForeignKey(
        to,
        to_field="record_id",
        on_delete=models.PROTECT,
        related_name=related,
        null=null,
        blank=null,
    )


class Source(RegisterRecord):
    RECORD_TYPE = "source"
    kind = models.CharField(max_length=30, choices=_choices(SOURCE_KINDS))
    citation = EncryptedTextField()
    title = EncryptedTextField(max_length=500, null=True, blank=True)
    publisher = models.CharField(max_length=300, null=True, blank=True)
    date = models.CharField(max_length=10, null=True, blank=True)
    url = EncryptedTextField(max_length=2000, null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)


class Unit(RegisterRecord):
    RECORD_TYPE = "unit"
    names = models.JSONField(default=list)
    kind = models.CharField(max_length=30, choices=_choices(UNIT_KINDS))
    parent = _link("self", "children", null=True)
    abbreviation = models.CharField(max_length=100, null=True, blank=True)
    country = models.CharField(max_length=2, default="SY")
    place = models.CharField(max_length=300, null=True, blank=True)
    place_code = models.CharField(max_length=40, null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)
    parent_id: str | None


class Position(RegisterRecord):
    RECORD_TYPE = "position"
    title = models.CharField(max_length=500)
    unit = _link(Unit, "positions")
    description = EncryptedTextField(null=True, blank=True)
    unit_id: str


class Person(RegisterRecord):
    RECORD_TYPE = "person"
    names = EncryptedJSONField(default=list)
    gender = models.CharField(max_length=10, null=True, blank=True)
    birth_date = EncryptedTextField(max_length=10, null=True, blank=True)
    birth_place = EncryptedTextField(max_length=300, null=True, blank=True)
    birth_place_code = models.CharField(max_length=40, null=True, blank=True)
    nationality = models.JSONField(default=list, blank=True)
    death_date = models.CharField(max_length=10, null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)


class Membership(RegisterRecord):
    RECORD_TYPE = "membership"
    person = _link(Person, "memberships")
    unit = _link(Unit, "memberships")
    role = models.CharField(max_length=300, null=True, blank=True)
    start_date = models.CharField(max_length=10, null=True, blank=True)
    end_date = models.CharField(max_length=10, null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)
    person_id: str
    unit_id: str


class Occupancy(RegisterRecord):
    RECORD_TYPE = "occupancy"
    person = _link(Person, "occupancies")
    position = _link(Position, "occupancies")
    start_date = models.CharField(max_length=10, null=True, blank=True)
    end_date = models.CharField(max_length=10, null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)
    person_id: str
    position_id: str


class Incident(RegisterRecord):
    RECORD_TYPE = "incident"
    title = EncryptedTextField(max_length=500)
    violation_types = models.JSONField(default=list)
    start_date = models.CharField(max_length=10, db_index=True)
    end_date = models.CharField(max_length=10, null=True, blank=True)
    place = models.CharField(max_length=300, null=True, blank=True)
    place_code = models.CharField(max_length=40, null=True, blank=True)
    country = models.CharField(max_length=2, default="SY")
    victim_counts = models.JSONField(default=list, blank=True)
    description = EncryptedTextField()
    legal_qualifications = models.JSONField(default=list, blank=True)


class Victim(RegisterRecord):
    """Access-restricted: never shown beside an applicant, never exported without need."""

    RECORD_TYPE = "victim"
    incident_ids = models.JSONField(default=list)
    name = EncryptedTextField(max_length=300, null=True, blank=True)
    gender = models.CharField(max_length=10, null=True, blank=True)
    age = EncryptedJSONField(null=True, blank=True)
    description = EncryptedTextField(null=True, blank=True)


class Allegation(RegisterRecord):
    RECORD_TYPE = "allegation"
    person = _link(Person, "allegations", null=True)
    unit = _link(Unit, "allegations", null=True)
    incident = _link(Incident, "allegations")
    role = models.CharField(max_length=30, choices=_choices(ALLEGATION_ROLES))
    mode_of_liability = models.CharField(
        max_length=30, choices=_choices(LIABILITY_MODES), default="unspecified"
    )
    certainty = models.CharField(max_length=30, choices=_choices(CERTAINTIES))
    description = EncryptedTextField()
    pinpoint = EncryptedTextField(null=True, blank=True)
    person_id: str | None
    unit_id: str | None
    incident_id: str


class EvidenceItem(RegisterRecord):
    """A file kept as evidence: its bytes live in the documents storage under ``sha256``
    (checked on every read), its custody in :class:`CustodyEntry`."""

    RECORD_TYPE = "evidence"
    title = EncryptedTextField(max_length=500)
    kind = models.CharField(max_length=20, choices=_choices(EVIDENCE_KINDS))
    file_sha256 = models.CharField("SHA-256 of the file", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=100)
    file_name = EncryptedTextField(max_length=255, null=True, blank=True)
    obtained_from = EncryptedTextField(max_length=300, null=True, blank=True)
    obtained_on = models.CharField(max_length=10, null=True, blank=True)
    related_ids = models.JSONField(default=list, blank=True)
    description = EncryptedTextField(null=True, blank=True)
    custody_head = models.CharField("hash of the last custody entry", max_length=64, blank=True)


MODELS: dict[str, type[RegisterRecord]] = {
    "source": Source,
    "unit": Unit,
    "position": Position,
    "person": Person,
    "membership": Membership,
    "occupancy": Occupancy,
    "incident": Incident,
    "victim": Victim,
    "allegation": Allegation,
    "evidence": EvidenceItem,
}
assert tuple(MODELS) == RECORD_TYPES


class Revision(AppendOnly):
    """One version of one record, or one change of its review status: the canonical JSON of
    the record at that point and its SHA-256, who, when and why. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        STATUS = "status", "status changed"

    record_type = models.CharField(max_length=20, choices=_choices(RECORD_TYPES))
    record_id = models.CharField(max_length=128, db_index=True)
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    canonical = EncryptedTextField("canonical JSON")
    sha256 = models.CharField("SHA-256 of the canonical JSON", max_length=64)
    author: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    reason = EncryptedTextField()
    author_id: int | None

    class Meta:
        ordering = ["record_type", "record_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "number"], name="one_revision_number"
            )
        ]
        permissions = [
            ("edit_register", "May record and change register records"),
            ("review_register", "May peer-review register records"),
            ("finalise_register", "May mark peer-reviewed register records final"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} r{self.number}"


class CustodyEntry(AppendOnly):
    """One event in an evidence item's chain of custody. Append-only and hash-chained: each
    entry's ``entry_hash`` covers its content and the previous entry's hash, so a changed,
    removed or inserted entry breaks the chain (``asylon register verify``)."""

    class Action(models.TextChoices):
        RECEIVED = "received", "received"
        VIEWED = "viewed", "viewed"
        EXPORTED = "exported", "exported"
        TRANSFERRED = "transferred", "transferred"

    item = models.ForeignKey(
        EvidenceItem, to_field="record_id", on_delete=models.PROTECT, related_name="custody"
    )
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    reason = EncryptedTextField()
    counterpart = EncryptedTextField(
        "received from / transferred to", max_length=300, blank=True, default=""
    )
    file_sha256 = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True)
    item_id: str
    user_id: int | None

    class Meta:
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="one_custody_number")
        ]

    def __str__(self) -> str:
        return f"custody {self.item_id} #{self.number} {self.action}"

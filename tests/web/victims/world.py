"""One stored person of a linkage run, for suites that need an object behind every URL (the
attack suite's IDOR table: ``victims:person``, ``victims:split``, ``victims:merge``)."""

from __future__ import annotations

from asylon.web.victims.models import (
    ClusterMember,
    LinkRun,
    PersonCluster,
    VictimRecord,
    VictimSource,
)


def victim_person() -> PersonCluster:
    """A source with two records of one fictional person, linked into one cluster."""
    source = VictimSource.objects.create(name="idor-source", description="fictional")
    records = [
        VictimRecord.objects.create(
            source_list=source, source_id=f"v{i}", name=f"Fictional Victim {i}", event="killed"
        )
        for i in (1, 2)
    ]
    run = LinkRun.objects.create(threshold=0.9, n_records=2, n_persons=1)
    cluster = PersonCluster.objects.create(run=run, cluster_id=records[0].key, size=2)
    for record in records:
        ClusterMember.objects.create(run=run, cluster=cluster, record=record)
    return cluster

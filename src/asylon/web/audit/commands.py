"""``asylon audit``: check the audit log's hash chain, and show its last entries.

``verify`` exits with status 1 and names each problem (the entry by id and sequence, the
missing sequences, the head); with status 0 it prints a summary and the head's hash, which
an operator can keep outside the database and give back later as ``--anchor SEQUENCE:HASH``
(a chain rewritten from that point on is then caught too). ``tail`` prints ids, actions and
hashes only: no details, no names. Django is set up only when a command runs.
"""

from __future__ import annotations

import json
import sys

import click

from asylon.web.commandline import setup_django

EXIT_PROBLEM = 1
EXIT_INVALID = 2


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log: verify its hash chain, show its last entries."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="SEQUENCE:HASH",
    help="A head printed by an earlier verify and kept elsewhere; it must still be there.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def verify_cmd(anchors: tuple[str, ...], fmt: str) -> None:
    """Recompute every hash; check sequence continuity, the head and the triggers."""
    from asylon.web.audit.chain import parse_anchor

    try:
        parsed = [parse_anchor(a) for a in anchors]
    except ValueError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_INVALID)
    setup_django()
    from asylon.web.audit.services import verify

    report = verify(parsed)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(problem.message)
        if report.entries:
            span = f"sequences {report.first_sequence}-{report.last_sequence}"
            summary = f"{report.entries:,} audit entries ({span})"
        else:
            summary = "no audit entries"
        if report.ok:
            click.echo(f"{summary}: the chain is intact")
            if report.head_sequence:
                click.echo(
                    f"head: {report.head_sequence}:{report.head_hash} "
                    "(keep it elsewhere; check later with --anchor)"
                )
        else:
            n = len(report.problems)
            click.echo(f"{summary}: {n} problem{'s' if n != 1 else ''}", err=True)
    if not report.ok:
        sys.exit(EXIT_PROBLEM)


@audit_group.command("tail")
@click.option("--n", "count", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def tail_cmd(count: int, fmt: str) -> None:
    """The last entries, oldest first: sequence, id, time, user id, action, object, hash."""
    setup_django()
    from asylon.web.audit.services import tail

    rows = tail(count)
    if fmt == "json":
        click.echo(json.dumps({"format": "asylon.audit-tail/1", "entries": rows}, indent=2))
        return
    for r in rows:
        obj = f"{r['object_type']}:{r['object_id']}" if r["object_type"] else "-"
        who = f"user {r['user_id']}" if r["user_id"] is not None else "no user"
        click.echo(
            f"{r['sequence']:>8} #{r['id']:<8} {r['at']}  {who:<12} {r['action']:<28} {obj}  "
            f"{r['entry_hash'][:12]}"
        )

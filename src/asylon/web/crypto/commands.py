"""``asylon keys``: the data keys of encryption at rest.

- ``init``: create the key file (``ASYLON_DATA_KEY_FILE`` or var/data-keys.json), mode 0600.
- ``status``: the key file, the current key ids, and how many values, stored files and index
  digests are under each key.
- ``rotate``: add a data key, make it current, then re-encrypt every value and stored file
  under it, in batches, each batch its own transaction, while the application keeps running
  (it reads the key file again within a second). Killed, it is resumed by ``reencrypt``.
- ``reencrypt``: re-encrypt whatever is not under the current key (also: files stored before
  encryption at rest). Idempotent.
- ``retire KID``: drop a key from the key file once nothing is encrypted (or indexed) under it.
- ``rotate-index``: add a blind-index key, make it current, recompute every client's digests;
  then ``retire`` the old index key.
- ``check``: decrypt every value and check every stored file; names each failure by table,
  column and row id (or file), never its content.

Nothing here prints a key or a decrypted value.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

import click

from asylon.web.commandline import setup_django

if TYPE_CHECKING:
    from asylon.web.crypto.keys import Keyring

EXIT_PROBLEM = 1


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_PROBLEM)


@click.group("keys")
def keys_group() -> None:
    """Data keys of the encryption at rest: init, status, rotate, retire, check."""


@keys_group.command("init")
def init_cmd() -> None:
    """Create the data key file (mode 0600) if it does not exist."""
    setup_django()
    from asylon.web.crypto.fields import refuse_new_key_over_ciphertext
    from asylon.web.crypto.keys import KeyProblem, configured_path, init_key_file

    path = configured_path()[0]
    try:
        if not path.exists():
            refuse_new_key_over_ciphertext(path)
        ring, created = init_key_file(path)
    except KeyProblem as err:
        _fail(str(err))
    what = "created" if created else "exists"
    click.echo(f"{path} {what}: data key {ring.current}, index key {ring.index_current}")
    if created:
        click.echo("Back this file up apart from the database: without it the data is lost.")


def _ring() -> Keyring:
    from asylon.web.crypto.keys import KeyProblem, keyring

    try:
        return keyring()
    except KeyProblem as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_PROBLEM)


@keys_group.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def status_cmd(fmt: str) -> None:
    """Key ids, and what is encrypted or indexed under each."""
    setup_django()
    from asylon.web.crypto.rotation import files_by_key, index_keys_in_use, usage

    ring = _ring()
    cols = usage(ring)
    files = files_by_key()
    index = index_keys_in_use()
    out = {
        "format": "asylon.keys-status/1",
        "key_file": str(ring.path),
        "current": ring.current,
        "keys": sorted(ring.keys),
        "index_current": ring.index_current,
        "index_keys": sorted(ring.index_keys),
        "columns": [
            {
                "table": u.table,
                "column": u.column,
                "values": u.total,
                "by_key": u.by_key,
                "not_under_a_known_key": u.other,
            }
            for u in cols
        ],
        "files": files,
        "index_digests": index,
    }
    if fmt == "json":
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"key file {ring.path}")
    click.echo(f"data keys: {', '.join(sorted(ring.keys))} (current {ring.current})")
    click.echo(f"index keys: {', '.join(sorted(ring.index_keys))} (current {ring.index_current})")
    for u in cols:
        keys = ", ".join(f"{k} {n}" for k, n in u.by_key.items() if n)
        other = f", other {u.other}" if u.other else ""
        click.echo(f"  {u.table}.{u.column}: {u.total} values ({keys or 'none'}{other})")
    click.echo(f"stored files: {files or 'none'}")
    click.echo(f"name index digests: {index or 'none'}")


def _reencrypt(batch: int) -> None:
    from asylon.web.crypto.rotation import reencrypt_all

    def report(table: str, column: str, done: int) -> None:
        click.echo(f"  {table}.{column}: {done} re-encrypted so far")

    started = time.monotonic()
    progress = reencrypt_all(batch, report)
    click.echo(
        f"{progress.values} values checked, {progress.files} stored files rewritten, "
        f"in {time.monotonic() - started:.1f} s"
    )
    if progress.problems:
        for p in progress.problems:
            click.echo(p, err=True)
        _fail(f"{len(progress.problems)} values or files could not be re-encrypted")


@keys_group.command("rotate")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds for running processes to take up the new key before re-encryption.",
)
def rotate_cmd(batch: int, wait: float) -> None:
    """Add a new data key, make it current, re-encrypt everything under it."""
    setup_django()
    from asylon.web.crypto.keys import KeyProblem, add_key

    old = _ring()
    try:
        _new, kid = add_key()
    except KeyProblem as err:
        _fail(str(err))
    click.echo(f"new data key {kid} is current (was {old.current})")
    time.sleep(wait)
    _reencrypt(batch)
    click.echo(f"done: retire the old key with `asylon keys retire {old.current}`")


@keys_group.command("reencrypt")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True)
def reencrypt_cmd(batch: int) -> None:
    """Re-encrypt what is not under the current key (resumes a killed rotation)."""
    setup_django()
    _ring()
    _reencrypt(batch)


@keys_group.command("encrypt-documents")
def encrypt_documents_cmd() -> None:
    """Encrypt the stored files written before encryption at rest (and those under old keys)."""
    setup_django()
    _ring()
    from asylon.web.documents import storage

    done, problems = 0, []
    for path in storage.stored_contents():
        try:
            done += storage.reencrypt(path)
        except storage.StorageError as err:
            problems.append(f"stored file {path.name}: {type(err).__name__} {err}")
    click.echo(f"{done} stored files encrypted under the current key")
    for p in problems:
        click.echo(p, err=True)
    if problems:
        _fail(f"{len(problems)} stored files could not be encrypted")


@keys_group.command("retire")
@click.argument("kid")
def retire_cmd(kid: str) -> None:
    """Remove key KID from the key file, once nothing is encrypted or indexed under it."""
    setup_django()
    from asylon.web.crypto.keys import KeyProblem, remove_key
    from asylon.web.crypto.rotation import files_by_key, index_keys_in_use, usage

    ring = _ring()
    if kid in ring.keys:
        used = [f"{u.table}.{u.column} {u.by_key[kid]}" for u in usage(ring) if u.by_key[kid]]
        n_files = files_by_key().get(kid, 0)
        if n_files:
            used.append(f"{n_files} stored files")
        if used:
            _fail(f"key {kid} still encrypts: {', '.join(used)}; run `asylon keys reencrypt` first")
    elif kid in ring.index_keys:
        n = index_keys_in_use().get(kid, 0)
        if n:
            _fail(f"index key {kid} still keys {n} digests: run `asylon keys rotate-index`")
    try:
        ring = remove_key(kid)
    except KeyProblem as err:
        _fail(str(err))
    click.echo(f"key {kid} retired; keys now {', '.join(sorted(ring.keys))}")


@keys_group.command("rotate-index")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True)
@click.option("--wait", type=click.FloatRange(min=0), default=2.0, show_default=True)
def rotate_index_cmd(batch: int, wait: float) -> None:
    """Add a blind-index key, make it current, recompute every client's name digests."""
    setup_django()
    from asylon.web.crypto.keys import KeyProblem, add_key
    from asylon.web.crypto.rotation import reindex_all

    old = _ring()
    try:
        _ring2, kid = add_key(index=True)
    except KeyProblem as err:
        _fail(str(err))
    click.echo(f"new index key {kid} is current (was {old.index_current})")
    time.sleep(wait)
    n = reindex_all(batch)
    click.echo(
        f"{n} names re-indexed (clients and victim records): retire the old key with `asylon keys retire {old.index_current}`"
    )


@keys_group.command("check")
def check_cmd() -> None:
    """Decrypt every encrypted value and check every stored file."""
    setup_django()
    _ring()
    from asylon.web.crypto.rotation import check_all

    read, problems = check_all()
    for p in problems:
        click.echo(p)
    if problems:
        _fail(f"{read} values read: {len(problems)} problems")
    click.echo(f"{read} values read and authenticated; stored files checked: no problem")

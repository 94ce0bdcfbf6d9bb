"""``contactsync backup FILE`` and ``contactsync restore FILE [--force]``."""

from __future__ import annotations

from pathlib import Path

import click

from ..stewardship import backup as snapshots
from ..wording import counted
from . import Context, friendly


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
@friendly
def backup(obj: Context, file: Path) -> None:
    """Write a consistent snapshot of the store to FILE (mode 0600); safe while the daemon runs."""
    with obj.store() as store:
        snap = snapshots.backup(store, file)
    click.echo(f"backup of {counted(snap.rows, 'row')} (schema {snap.revision}) written to {snap.path}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore even though the store changed after the backup was taken.")
@click.pass_obj
@friendly
def restore(obj: Context, file: Path, force: bool) -> None:
    """Replace the store with the snapshot in FILE. Stop the daemon first."""
    with obj.store() as store:
        snap = snapshots.restore(store, file, force=force)
    click.echo(
        f"restored {counted(snap.rows, 'row')} from the backup taken {snap.taken_at.isoformat(timespec='seconds')}"
    )

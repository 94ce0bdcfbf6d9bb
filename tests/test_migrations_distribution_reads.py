"""Migration 0014 (a distribution's source read and a target's "not carried" in columns of their own), on SQLite
and PostgreSQL: a store at 0013 holding a distribution keeps its state and targets when upgraded, reads its source
as never tried and its targets as having carried everything; an unreleased store's ``:source`` row and
``not carried: `` lines in ``last_error`` are gone; and the new columns keep what the store writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from contactsync.store import Store
from contactsync.store.distribution import (
    CARRIED_WHOLE,
    NotCarriedCount,
    NotCarriedTally,
    SourceRead,
    TargetState,
    distribution_targets,
    distributions,
)

PLANNED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOTE = "not carried: 1 contact written without all the source holds: 1 without their emails (three at most)"


def upgrade_to(url: str, revision: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", "contactsync:migrations")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def at_0013_with_a_distribution(url: str) -> None:
    """A store at 0013 holding distribution ``company`` at revision 3 with two targets, as an unreleased version
    left it: a ``:source`` row, and ``not carried`` lines in the targets' ``last_error``."""
    upgrade_to(url, "0013")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            # only the columns 0013 has: the tables as declared now would name the new ones too
            conn.execute(
                distributions.insert().values(
                    name="company", revision=3, source_state="fp:token", planned_at=PLANNED, brake_reason=None
                )
            )
            for account, revision, result, error in [
                ("ana", 3, "ok", NOTE),
                ("bob", 2, "partial", "2 writes refused; retried next cycle\n" + NOTE),
                ("carla", 3, "failed", "Transient: the server did not answer"),
                (":source", 0, "failed", "ConnectorError: the directory did not answer"),
            ]:
                conn.execute(
                    distribution_targets.insert().values(
                        distribution="company",
                        account=account,
                        revision=revision,
                        state="2026-12-01T08:00:00+00:00" if account == ":source" else f"mark:{account}",
                        last_run_at=PLANNED,
                        last_result=result,
                        last_error=error,
                        container_id=None if account == ":source" else f"where:{account}-folder",
                    )
                )
    finally:
        engine.dispose()


def test_a_distribution_at_0013_keeps_its_state_and_reads_its_source_as_never_tried(store_url: str) -> None:
    at_0013_with_a_distribution(store_url)
    with Store.open(store_url) as store:
        state = store.distribution_state("company")
        assert (state.revision, state.source_state, state.planned_at) == (3, "fp:token", PLANNED)
        assert store.source_read("company") == SourceRead()
        assert not store.source_read("company").tried and not store.source_read("company").failing
        targets = store.target_states("company")
        assert sorted(targets) == ["ana", "bob", "carla"]  # the ':source' row is gone
        assert [
            (t.revision, t.state, t.last_run_at, t.last_result, t.last_error, t.not_carried)
            for t in (targets["ana"], targets["bob"], targets["carla"])
        ] == [
            (3, "mark:ana", PLANNED, "ok", None, CARRIED_WHOLE),
            (2, "mark:bob", PLANNED, "partial", "2 writes refused; retried next cycle", CARRIED_WHOLE),
            (3, "mark:carla", PLANNED, "failed", "Transient: the server did not answer", CARRIED_WHOLE),
        ]
        assert store.target_container("company", "bob") == "where:bob-folder"


def test_a_migrated_store_keeps_the_source_read_and_what_was_not_carried(store_url: str) -> None:
    at_0013_with_a_distribution(store_url)
    with Store.open(store_url) as store:
        first = PLANNED + timedelta(hours=1)
        failed = SourceRead().after(first, "ConnectorError: the directory did not answer")
        store.put_source_read("company", failed)
        again = store.source_read("company").after(first + timedelta(hours=1), "ConnectorError: still down")
        store.put_source_read("company", again)
        assert store.source_read("company") == SourceRead(
            first + timedelta(hours=1), None, "ConnectorError: still down", first
        )
        # a plan's own record of the distribution leaves the source's read as it is
        store.put_distribution_state("company", revision=4, source_state="fp:next", brake_reason=None, brake_since=None)
        assert store.source_read("company").failing_since == first
        read = first + timedelta(hours=3)
        store.put_source_read("company", store.source_read("company").after(read, None))
        assert store.source_read("company") == SourceRead(read, read, None, None)
        assert store.distribution_state("company").revision == 4

        tally = NotCarriedTally(
            2, (NotCarriedCount("emails", "three at most", 2), NotCarriedCount("phones", "two work numbers", 1))
        )
        ana = store.target_state("company", "ana")
        store.put_target_state(TargetState("company", "ana", 4, ana.state, read, "ok", None, tally))
        assert store.target_state("company", "ana").not_carried == tally
        assert store.target_states("company")["ana"].not_carried == tally
        # a target new since, its container recorded first: it carried nothing yet
        store.put_target_container("company", "dora", "where:dora-folder")
        assert store.target_state("company", "dora").not_carried == CARRIED_WHOLE


def test_a_new_store_reads_a_distribution_as_never_read(store_url: str) -> None:
    with Store.open(store_url) as store:
        assert store.source_read("company") == SourceRead()
        store.put_source_read("company", SourceRead().after(PLANNED, "ConfigError: at 'distribute[0]': no"))
        # recorded before any plan: the distribution's row is there, at revision 0 and never planned
        state = store.distribution_state("company")
        assert (state.revision, state.planned_at, state.source_state) == (0, None, None)
        assert store.source_read("company").failing_since == PLANNED

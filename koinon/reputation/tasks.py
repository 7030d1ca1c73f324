"""Background tasks of the reputation app."""

from django_tasks import task


@task()
def recompute_reputation_task() -> int:
    """Repair the ledger (rows removed in bulk write no activity) and refresh trust levels."""
    from koinon.reputation import ledger, trust

    ledger.rebuild()
    return trust.refresh_all()

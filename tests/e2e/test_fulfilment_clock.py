"""The clock's fulfilment sweep against the sandbox: late orders flagged, ready orders
released to the warehouse with their pick requests posted, and the job registered."""

from datetime import UTC, datetime, time, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from jobs.schedule import register_jobs, sweep_fulfilment
from store.models import Discrepancy, Order
from tests.support.fulfil_desk import PROMISED, WAREHOUSE_CHANNEL, reserved_lines


class RecordingScheduler:
    def __init__(self):
        self.jobs = []

    def add_job(self, func, trigger, **options):
        self.jobs.append((func, trigger, options))


def test_the_sweep_flags_late_orders_and_releases_ready_ones(ful):
    client = WebClient(base_url=ful.sb.api_url, token=ful.sb.bot_token)
    now = datetime.combine(PROMISED + timedelta(days=1), time(8), UTC)
    # Late stops nothing (#15.11: one rule for goods leaving): the late order goes to the
    # warehouse with the others; shipping it is what resolves the item.
    assert sweep_fulfilment(ful.db, client, ful.renderers, now=now) == (1, 3, 0)
    assert sweep_fulfilment(ful.db, client, ful.renderers, now=now) == (0, 0, 0)
    with ful.db.read() as s:
        late = s.scalars(select(Discrepancy).where(Discrepancy.fingerprint == "late")).one()
        assert s.get(Order, late.order_id).ref == "SO-2001"
    ful.sb.wait_for(lambda: len(ful.sb.messages(WAREHOUSE_CHANNEL)) == 3)
    posted = " ".join(m.text for m in ful.sb.messages(WAREHOUSE_CHANNEL))
    assert all(ref in posted for ref in ("SO-1042", "SO-2001", "SO-2002"))
    assert reserved_lines(ful.db) == [4, 10, 2]
    assert reserved_lines(ful.db, "SO-2002") == [3]


def test_register_jobs_adds_one_fulfilment_sweep(ful):
    scheduler = RecordingScheduler()
    register_jobs(scheduler, db=ful.db, renderers=ful.renderers,
                  client=WebClient(base_url=ful.sb.api_url, token=ful.sb.bot_token))
    ((func, trigger, options),) = [job for job in scheduler.jobs
                                   if job[2]["id"].startswith("fulfilment.")]
    assert (func, trigger, options["id"], options["seconds"]) == (
        sweep_fulfilment, "interval", "fulfilment.sweep", 300)

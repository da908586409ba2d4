#!/usr/bin/env python3
"""The product team's number: what quota.consume saves the chat backend.

Two ways to accept a chat message, through the same SQLAlchemy engine and ORM session,
against the same server, from the same threads:

* service   the flow the story's own service would write: look the plan up, lock the
            day's counter row (SELECT ... FOR UPDATE, creating it first when the day has
            none), check it against the limit, increment it, store the message, commit;
* consume   SELECT ... FROM quota.consume(user, 1, request_id), then store the message and
            commit, as chat_router.py does.

Each runs for SECONDS on one hot user and on USERS users spread uniformly, with a limit
no one reaches, and prints accepted messages per second and latency percentiles.

    python3 side_by_side.py postgresql://postgres@localhost:5432/postgres [--threads 16] [--seconds 15] [--users 2000]

Runs on the toolkit's stand-in layout (the embedded default, `quota db serve`); it creates
its own plan and users. Exit 0 when every counter equals its stored messages afterwards.
"""
import argparse
import datetime
import statistics
import sys
import threading
import time
import uuid
import warnings

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.automap import automap_base
from sqlalchemy.orm import Session

LIMIT = 1_000_000_000  # no one is refused: the comparison is the accepted path


def mapped(engine):
    """The product's tables as the backend's ORM classes, read from the database itself."""
    base = automap_base()
    # the users table's expression index is none of the ORM's business
    warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index", category=SAWarning)
    base.prepare(autoload_with=engine, schema="public",
                 reflection_options={"only": ["user_daily_quota_usages", "chat_messages"]})
    return base.classes.user_daily_quota_usages, base.classes.chat_messages


def service_flow(session, usage, message, user_id, request_id):
    """The story's service: plan, counter row FOR UPDATE, check, increment, message."""
    limit = session.execute(text(
        "SELECT p.daily_message_limit FROM user_subscriptions s JOIN billing_plans p ON p.id = s.plan_id "
        "WHERE s.user_id = :u AND s.status = 'active' ORDER BY s.started_at DESC LIMIT 1"), {"u": user_id}).scalar()
    if limit is None:
        return 403
    day = datetime.datetime.now(datetime.timezone.utc).date()
    counter = session.execute(select(usage).where(usage.user_id == user_id, usage.quota_date == day)
                              .with_for_update()).scalar_one_or_none()
    if counter is None:
        session.execute(insert(usage.__table__).values(user_id=user_id, quota_date=day, used_count=0)
                        .on_conflict_do_nothing(index_elements=["user_id", "quota_date"]))
        counter = session.execute(select(usage).where(usage.user_id == user_id, usage.quota_date == day)
                                  .with_for_update()).scalar_one()
    if counter.used_count + 1 > limit:
        return 429
    counter.used_count += 1
    counter.updated_at = datetime.datetime.now(datetime.timezone.utc)
    session.add(message(user_id=user_id, role="user", request_id=request_id))
    return 201


def consume_flow(session, usage, message, user_id, request_id):
    """quota.consume charges the unit; the message follows in the same transaction."""
    accepted, code = session.execute(text("SELECT accepted, code FROM quota.consume(:u, 1, :r)"),
                                     {"u": user_id, "r": request_id}).one()
    if not accepted:
        return 429 if code == "quota_exceeded" else 403
    session.add(message(user_id=user_id, role="user", request_id=request_id))
    return 201


def subscribed_users(engine, count, run):
    with engine.begin() as conn:
        plan_id = conn.execute(text(
            "INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES (:c, 'side by side', :l) RETURNING id"),
            {"c": f"sbs-{run}", "l": LIMIT}).scalar()
        ids = conn.execute(text(
            "INSERT INTO users (email) SELECT 'sbs-' || :run || '-' || n || '@example.com' FROM generate_series(1, :n) AS n "
            "RETURNING id"), {"run": run, "n": count}).scalars().all()
        conn.execute(text(
            "INSERT INTO user_subscriptions (user_id, plan_id, status, started_at) "
            "SELECT id, :p, 'active', now() - interval '1 day' FROM unnest(CAST(:ids AS bigint[])) AS id"),
            {"p": plan_id, "ids": list(ids)})
    return ids


def measure(engine, flow, usage, message, user_ids, threads, seconds):
    latencies = [[] for _ in range(threads)]
    errors = []
    stop = time.perf_counter() + seconds
    run = uuid.uuid4().hex[:8]

    def worker(t):
        n = 0
        spread = len(user_ids)
        while time.perf_counter() < stop:
            user_id = user_ids[(t * 7919 + n * 104729) % spread]
            began = time.perf_counter()
            try:
                with Session(engine) as session, session.begin():
                    status = flow(session, usage, message, user_id, f"sbs-{run}-{t}-{n}")
            except Exception as e:  # a failure is reported, never counted as a message
                errors.append(repr(e))
                return
            if status == 201:
                latencies[t].append(time.perf_counter() - began)
            n += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    all_latencies = sorted(x for per in latencies for x in per)
    if errors:
        raise SystemExit(f"{flow.__name__}: {len(errors)} errors, first: {errors[0]}")
    p = statistics.quantiles(all_latencies, n=100, method="inclusive")
    return len(all_latencies) / elapsed, p[49] * 1000, p[98] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dsn")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()

    url = args.dsn.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(url, future=True, pool_size=args.threads, max_overflow=0,
                           connect_args={"options": "-c search_path=quota,public"})
    usage, message = mapped(engine)
    run = uuid.uuid4().hex[:8]
    import sqlalchemy
    import psycopg2
    print(f"SQLAlchemy {sqlalchemy.__version__} (ORM session), psycopg2 {psycopg2.__version__.split()[0]}, "
          f"Python {sys.version.split()[0]}, {args.threads} threads, {args.seconds:g} s per run")
    print(f"{'flow':<28}{'users':>7}{'messages/s':>12}{'p50 ms':>9}{'p99 ms':>9}")
    results = {}
    for label, count in (("hot", 1), ("spread", args.users)):
        for name, flow in (("service (FOR UPDATE)", service_flow), ("quota.consume", consume_flow)):
            users = subscribed_users(engine, count, f"{run}-{label}-{flow.__name__}")
            rate, p50, p99 = measure(engine, flow, usage, message, users, args.threads, args.seconds)
            results[(label, name)] = (rate, p99)
            print(f"{name:<28}{count:>7,}{rate:>12,.0f}{p50:>9.2f}{p99:>9.2f}")
    for label in ("hot", "spread"):
        (service_rate, service_p99), (consume_rate, consume_p99) = results[(label, "service (FOR UPDATE)")], results[(label, "quota.consume")]
        print(f"{label:<7} quota.consume gives {consume_rate / service_rate:.2f}x the messages per second, "
              f"p99 {consume_p99 / service_p99:.2f}x")

    with engine.connect() as conn:
        broken = conn.execute(text("""
            SELECT count(*) FROM user_daily_quota_usages q JOIN users u ON u.id = q.user_id
             WHERE u.email LIKE :pattern
               AND q.used_count <> (SELECT count(*) FROM chat_messages m WHERE m.user_id = q.user_id AND m.role = 'user'
                                     AND CAST(m.created_at AT TIME ZONE 'UTC' AS date) = q.quota_date)"""),
            {"pattern": f"sbs-{run}-%"}).scalar()
    if broken:
        print(f"INVARIANT BROKEN: {broken} counters differ from their stored messages", file=sys.stderr)
        return 1
    print("every counter equals its stored messages, in both flows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

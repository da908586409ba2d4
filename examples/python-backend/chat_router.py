#!/usr/bin/env python3
"""What the chat backend's router does for POST /v1/chat/messages, in plain psycopg 3:
consume one unit through quota.consume, store the user's message, commit; or roll back
when the message could not be stored, which gives the unit back. Several threads at once
against one database, then the quota invariants checked with plain SQL.

With --holds, the router of an LLM chat (docs/sql-api.md#holding-quota-while-the-reply-is-written):
hold the unit with quota.reserve before the model call, store the message and settle in one
transaction after it, release when the reply fails (one in ten); one worker in ten dies
mid-reply, its connection dropped with the hold open, which stops counting at its TTL.

    python3 chat_router.py postgresql://postgres@localhost:5432/postgres [--threads 8] [--messages 400] [--holds]

Runs on the toolkit's stand-in layout (the embedded default, `quota db serve`): it creates
its own users and plan, and removes nothing. Exit 0 when every invariant holds.
"""
import argparse
import random
import sys
import threading
import time
import uuid

import psycopg

SEARCH_PATH = "quota, public"


def send_message(conn, user_id, text, request_id, fail_after_consume=False):
    """The router's transaction. Returns the HTTP status the backend would answer with."""
    with conn.transaction():
        row = conn.execute(
            "SELECT accepted, replayed, code, daily_limit, consumed, remaining, reset_at "
            "FROM quota.consume(%s, 1, %s)", (user_id, request_id)).fetchone()
        accepted, replayed, code, limit, consumed, remaining, reset_at = row
        if code == "quota_exceeded":
            return 429  # body: {"error": {"code": "quota_exceeded", "details": {limit, consumed, remaining, reset_at}}}
        if code is not None:
            return 403 if code == "no_active_subscription" else 404
        if replayed:
            return 200  # a retry of a committed request: answer from the stored message, charge nothing
        conn.execute(
            "INSERT INTO chat_messages (user_id, role, created_at, request_id) VALUES (%s, 'user', now(), %s)",
            (user_id, request_id))
        if fail_after_consume:
            raise RuntimeError("the model call failed: the transaction rolls back, the unit comes back")
        return 201


HOLD_TTL = "1 second"


def send_with_hold(conn, user_id, request_id, fate):
    """The LLM router: reserve, write the reply with no transaction open, then settle or release."""
    with conn.transaction():
        # held_at: the instant that fixed the hold's day; the user's message is stamped with it,
        # so that a reply finished after midnight is counted on the day it was charged to
        accepted, code, held_at = conn.execute(
            "SELECT accepted, code, now() FROM quota.reserve(%s, 1, %s, %s::interval)", (user_id, request_id, HOLD_TTL)).fetchone()
    if not accepted:
        return 429 if code == "quota_exceeded" else 404
    time.sleep(random.uniform(0, 0.01))  # the model writes its reply
    if fate == "dies":
        return 502  # the worker is killed mid-reply: nobody settles or releases, the hold stays open until its TTL
    if fate == "fails":
        with conn.transaction():
            conn.execute("SELECT * FROM quota.release(%s, %s)", (user_id, request_id))
        return 502
    with conn.transaction():
        conn.execute(
            "INSERT INTO chat_messages (user_id, role, created_at, request_id) VALUES (%s, 'user', %s, %s)",
            (user_id, held_at, request_id))
        settled, code = conn.execute("SELECT settled, code FROM quota.settle(%s, %s, 1)", (user_id, request_id)).fetchone()
        if not settled:
            raise RuntimeError(f"settle of {request_id} answered {code}")
    return 201


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dsn")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--holds", action="store_true", help="reserve, then settle or release (an LLM reply)")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    with psycopg.connect(args.dsn, options=f"-c search_path={SEARCH_PATH.replace(' ', '')}") as conn:
        plan_id = conn.execute(
            "INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES (%s, 'Python example', %s) RETURNING id",
            (f"py-{run}", args.limit)).fetchone()[0]
        user_ids = []
        for i in range(args.users):
            user_id = conn.execute("INSERT INTO users (email) VALUES (%s) RETURNING id", (f"py-{run}-{i}@example.com",)).fetchone()[0]
            conn.execute("INSERT INTO user_subscriptions (user_id, plan_id, status, started_at) "
                         "VALUES (%s, %s, 'active', now() - interval '1 day')", (user_id, plan_id))
            user_ids.append(user_id)
        conn.commit()

    statuses = {}
    lock = threading.Lock()
    counter = iter(range(args.messages))

    def worker():
        with psycopg.connect(args.dsn, options=f"-c search_path={SEARCH_PATH.replace(' ', '')}") as conn:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                user_id = user_ids[n % len(user_ids)]
                request_id = f"py-{run}-{n}"
                if args.holds:
                    fate = "fails" if n % 10 == 3 else "dies" if n % 10 == 7 else "ok"
                    status = send_with_hold(conn, user_id, request_id, fate)
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                    continue
                try:
                    status = send_message(conn, user_id, "hello", request_id, fail_after_consume=(n % 17 == 0))
                except RuntimeError:
                    status = 502
                if n % 5 == 0 and status == 201:
                    # the client retries a request that did go through: must not be charged again
                    retried = send_message(conn, user_id, "hello", request_id)
                    assert retried == 200, f"a retry of {request_id} answered {retried}"
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    if args.holds:
        time.sleep(1.2)  # the dead workers' holds expire: nothing is left held
        with psycopg.connect(args.dsn) as conn:
            held = [conn.execute("SELECT held FROM quota.status(%s)", (u,)).fetchone()[0] for u in user_ids]
        print(f"held after the TTL: {held}")
        if any(held):
            print("INVARIANT BROKEN: units still held after every hold's TTL", file=sys.stderr)
            return 1

    with psycopg.connect(args.dsn) as conn:
        rows = conn.execute("""
            SELECT u.id, COALESCE(q.used_count, 0),
                   (SELECT count(*) FROM chat_messages m WHERE m.user_id = u.id AND m.role = 'user'
                       AND m.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
              FROM users u
              LEFT JOIN user_daily_quota_usages q ON q.user_id = u.id AND q.quota_date = CAST(now() AT TIME ZONE 'UTC' AS date)
             WHERE u.id = ANY(%s) ORDER BY u.id""", (user_ids,)).fetchall()
    broken = [(u, used, stored) for u, used, stored in rows if used != stored or used > args.limit or used < 0]
    accepted = statuses.get(201, 0)
    print(f"answers: {dict(sorted(statuses.items()))}")
    print(f"counters: {[used for _, used, _ in rows]} (limit {args.limit}); stored user messages: {[s for _, _, s in rows]}")
    if broken or sum(used for _, used, _ in rows) != accepted:
        print(f"INVARIANT BROKEN: {broken}, accepted {accepted}", file=sys.stderr)
        return 1
    print("invariants hold: each counter equals its stored messages, never above the limit; "
          "rolled-back calls and retries charged nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())

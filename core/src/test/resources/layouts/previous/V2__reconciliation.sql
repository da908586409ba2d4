-- The nightly reconciliation's own records: one row per run, one row per finding.

CREATE TABLE quota_reconciliation_runs (
    id               bigserial   PRIMARY KEY,
    job_instance_id  bigint      NOT NULL UNIQUE,
    mode             text        NOT NULL CHECK (mode IN ('report', 'repair')),
    date_from        date        NOT NULL,
    date_to          date        NOT NULL CHECK (date_to >= date_from),
    status           text        NOT NULL DEFAULT 'running',
    rows_scanned     bigint      NOT NULL DEFAULT 0,
    drifts           bigint      NOT NULL DEFAULT 0,
    repaired         bigint      NOT NULL DEFAULT 0,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);

CREATE TABLE quota_reconciliation_drifts (
    id           bigserial   PRIMARY KEY,
    run_id       bigint      NOT NULL REFERENCES quota_reconciliation_runs (id),
    user_id      bigint      NOT NULL,
    quota_date   date        NOT NULL,
    used_count   integer,
    expected     integer     NOT NULL,
    messages     integer     NOT NULL,
    effective_limit integer,
    drift        integer     NOT NULL,
    kinds        text[]      NOT NULL,
    repaired     boolean     NOT NULL DEFAULT false,
    -- still needs a person after this run: always in report mode; in repair mode, what a counter change cannot fix
    unresolved   boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- a restarted run re-reads at most its last uncommitted chunk; this keeps it from recording a finding twice
    CONSTRAINT quota_reconciliation_drifts_once UNIQUE (run_id, user_id, quota_date)
);
CREATE INDEX quota_reconciliation_drifts_user ON quota_reconciliation_drifts (user_id, quota_date);

-- the reconciler scans a day range; messages by time, then user
CREATE INDEX chat_messages_day_user ON chat_messages (created_at, user_id) WHERE role = 'user';

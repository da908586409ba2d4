-- Everything the toolkit adds to a chat product's database lives in this schema of its own,
-- with its own Flyway history: the deployment's settings, the adjustments audit trail and
-- the nightly reconciliation's records. Nothing here references a product table: the
-- product's rows are read through the views of the read contract (docs/read-contract.md),
-- which `quota db migrate` creates for the default layout or a DBA writes by hand.

-- What the DBA declares about this deployment, one row.
CREATE TABLE settings (
    singleton               boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    -- the product tables are the toolkit's own stand-in (embedded default, demo): only then
    -- may `quota consume` and `quota demo` write users and messages
    stand_in                boolean     NOT NULL DEFAULT false,
    -- the product's own consumption code adds the day's grants (the day_grants view) to the
    -- plan's limit: only then does `quota grant` raise a limit, instead of being refused
    backend_honours_grants  boolean     NOT NULL DEFAULT false,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings DEFAULT VALUES;

CREATE TABLE quota_adjustments (
    id             bigserial   PRIMARY KEY,
    user_id        bigint      NOT NULL,
    quota_date     date        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('grant', 'refund', 'charge', 'reset', 'set', 'reconcile')),
    requested      integer     NOT NULL,
    applied_delta  integer     NOT NULL,
    -- bounded as AdjustmentRequest bounds them: the audit trail takes no unbounded free text
    reason         text        NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 500),
    actor          text        NOT NULL CHECK (btrim(actor) <> '' AND length(actor) <= 100),
    request_id     text        CHECK (length(request_id) <= 128),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quota_adjustments_user_day ON quota_adjustments (user_id, quota_date);
-- a retried adjustment (same request_id) is applied once
CREATE UNIQUE INDEX quota_adjustments_request ON quota_adjustments (request_id) WHERE request_id IS NOT NULL;

-- The units granted to a user for a day, for the product's own consumption code to add to
-- the plan's limit (see settings.backend_honours_grants).
CREATE VIEW day_grants AS
SELECT user_id, quota_date, CAST(sum(applied_delta) AS integer) AS granted
  FROM quota_adjustments
 WHERE kind = 'grant'
 GROUP BY user_id, quota_date;

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

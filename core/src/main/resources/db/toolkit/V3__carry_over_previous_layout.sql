-- Carries a database of the previous layout forward: until this version the toolkit kept
-- its own tables beside the product's, in the product schema, under a Flyway history of
-- its own there. Their rows (the adjustments audit trail, the reconciliation history and
-- the job repository that restarts depend on) move here with their ids, the sequences
-- continue where they were, and the old copies are dropped. A database that never had the
-- previous layout has nothing to carry, and this does nothing. Product tables are not touched.
DO $carry$
DECLARE
    old constant text := '${product_schema}';
    copied text[] := ARRAY['quota_adjustments', 'quota_reconciliation_runs', 'quota_reconciliation_drifts',
                           'batch_job_instance', 'batch_job_execution', 'batch_job_execution_params',
                           'batch_step_execution', 'batch_step_execution_context', 'batch_job_execution_context'];
    sequences text[] := ARRAY['batch_step_execution_seq', 'batch_job_execution_seq', 'batch_job_instance_seq'];
    t text;
    last bigint;
    called boolean;
BEGIN
    IF old = current_schema() OR to_regclass(format('%I.quota_adjustments', old)) IS NULL
       OR to_regclass(format('%I.flyway_schema_history', old)) IS NULL THEN
        RETURN;
    END IF;
    FOREACH t IN ARRAY copied LOOP
        IF to_regclass(format('%I.%I', old, t)) IS NOT NULL THEN
            EXECUTE format('INSERT INTO %I SELECT * FROM %I.%I', t, old, t);
        END IF;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['quota_adjustments', 'quota_reconciliation_runs', 'quota_reconciliation_drifts'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), COALESCE(max(id), 0) + 1, false) FROM %I', t, t);
    END LOOP;
    FOREACH t IN ARRAY sequences LOOP
        IF to_regclass(format('%I.%I', old, t)) IS NOT NULL THEN
            EXECUTE format('SELECT last_value, is_called FROM %I.%I', old, t) INTO last, called;
            PERFORM setval(t, last, called);
        END IF;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['quota_reconciliation_drifts', 'quota_reconciliation_runs', 'quota_adjustments',
                             'batch_step_execution_context', 'batch_job_execution_context', 'batch_step_execution',
                             'batch_job_execution_params', 'batch_job_execution', 'batch_job_instance',
                             'flyway_schema_history'] LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I.%I', old, t);
    END LOOP;
    FOREACH t IN ARRAY sequences LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS %I.%I', old, t);
    END LOOP;
END
$carry$;

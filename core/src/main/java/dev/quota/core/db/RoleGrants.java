package dev.quota.core.db;

import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The least privileges of a role that runs the toolkit ({@code quota db grants}), as
 * {@code GRANT} statements for the DBA to read and run, for each {@link Kind} of role.
 * The views run with their owner's rights, so a role reads the product's tables behind them
 * only where a view is declared {@code security_invoker}.
 */
public final class RoleGrants {

    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");
    /** The reconciler's records and Spring Batch's job repository: written, and pruned, by every role that reconciles. */
    private static final String JOB_TABLES = "quota_reconciliation_runs, quota_reconciliation_drifts, batch_job_instance, "
            + "batch_job_execution, batch_job_execution_params, batch_step_execution, batch_step_execution_context, "
            + "batch_job_execution_context";

    /** What a role is for. */
    public enum Kind {
        /** Support and the nightly job: reads through the views, creates and updates counters, writes the audit trail. */
        SUPPORT,
        /** show, history, top and reconcile in report mode, which records its run and findings. */
        READ_ONLY,
        /** The product's backend calling quota.consume and quota.status in its own transactions. */
        CHAT_BACKEND
    }

    private RoleGrants() {
    }

    public static List<String> statements(Handle handle, Schemas schemas, String role, Kind kind) {
        if (role == null || !ROLE.matcher(role).matches()) {
            throw QuotaException.invalidInput("role name '" + role + "' must be letters, digits, _, $ or - (at most 63)");
        }
        String grantee = "\"" + role + "\"";
        String toolkit = schemas.toolkit();
        List<String> grants = new ArrayList<>();
        grants.add("GRANT USAGE ON SCHEMA " + toolkit + ", " + schemas.product() + " TO " + grantee + ";");
        String[] views = Arrays.stream(ReadContract.View.values()).map(view -> schemas.inToolkit(view.viewName()))
                .toArray(String[]::new);
        grants.add("GRANT SELECT ON " + String.join(", ", views) + ", " + qualified(toolkit, "day_grants, settings, flyway_schema_history")
                + " TO " + grantee + ";");
        List<String> behindInvokerViews = handle.createQuery("""
                        SELECT DISTINCT format('%I.%I', n.nspname, t.relname)
                          FROM pg_rewrite r
                          JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
                                          AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
                          JOIN pg_class t ON t.oid = d.refobjid
                          JOIN pg_namespace n ON n.oid = t.relnamespace
                         WHERE r.ev_class = ANY(CAST(:views AS regclass[]))
                           AND EXISTS (SELECT 1 FROM pg_class v WHERE v.oid = r.ev_class
                                        AND v.reloptions && ARRAY['security_invoker=true', 'security_invoker=on', 'security_invoker=1'])
                         ORDER BY 1
                        """)
                .bind("views", views)
                .mapTo(String.class).list();
        if (!behindInvokerViews.isEmpty()) {
            grants.add("GRANT SELECT ON " + String.join(", ", behindInvokerViews) + " TO " + grantee
                    + ";  -- read by security_invoker views");
        }
        String counters = schemas.inProduct(ReadContract.COUNTERS);
        if (kind == Kind.CHAT_BACKEND) {
            grants.add("GRANT SELECT ON " + qualified(toolkit, "quota_adjustments") + " TO " + grantee + ";  -- the day's grants");
            grants.add("GRANT SELECT, INSERT, DELETE ON " + qualified(toolkit, "consumed_requests") + " TO " + grantee + ";");
            grants.add("GRANT SELECT, INSERT, UPDATE ON " + qualified(toolkit, "quota_holds") + " TO " + grantee + ";  -- reserve, settle, release");
            UserKeyType keyType = DeploymentSettings.read(handle).userKeyType();
            grants.add("GRANT EXECUTE ON FUNCTION " + SqlApi.CALLED_BY_BACKENDS.stream()
                    .map(function -> schemas.inToolkit(function.signature(keyType))).collect(Collectors.joining(", "))
                    + " TO " + grantee + ";");
            grants.addAll(counterGrants(handle, counters, grantee));
            return grants;
        }
        // DELETE: the nightly job prunes what has outlived its retention (docs/operations.md)
        grants.add("GRANT SELECT, INSERT, UPDATE, DELETE ON " + qualified(toolkit, JOB_TABLES) + " TO " + grantee + ";");
        grants.add("GRANT SELECT, DELETE ON " + qualified(toolkit, "consumed_requests") + ", " + qualified(toolkit, "quota_holds")
                + " TO " + grantee + ";  -- request ids and holds past the idempotency window");
        grants.add("GRANT USAGE, SELECT ON " + qualified(toolkit, "quota_reconciliation_runs_id_seq, quota_reconciliation_drifts_id_seq, "
                + "batch_job_instance_seq, batch_job_execution_seq, batch_step_execution_seq") + " TO " + grantee + ";");
        if (kind == Kind.READ_ONLY) {
            grants.add("GRANT SELECT ON " + qualified(toolkit, "quota_adjustments") + ", " + counters + " TO " + grantee + ";");
            return grants;
        }
        grants.add("GRANT SELECT, INSERT ON " + qualified(toolkit, "quota_adjustments") + " TO " + grantee + ";");
        grants.add("GRANT USAGE ON SEQUENCE " + qualified(toolkit, "quota_adjustments_id_seq") + " TO " + grantee + ";");
        grants.addAll(counterGrants(handle, counters, grantee));
        return grants;
    }

    /** Select, insert and update on the product's counters, and their id sequence when the table has one. */
    private static List<String> counterGrants(Handle handle, String counters, String grantee) {
        List<String> grants = new ArrayList<>();
        grants.add("GRANT SELECT, INSERT, UPDATE ON " + counters + " TO " + grantee + ";");
        List<String> counterSequences = handle.createQuery("""
                        SELECT format('%I.%I', n.nspname, s.relname)
                          FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                          JOIN pg_namespace n ON n.oid = s.relnamespace
                         WHERE s.relkind = 'S' AND d.refobjid = to_regclass(:counters) AND d.deptype IN ('a', 'i')
                        """)
                .bind("counters", counters).mapTo(String.class).list();
        if (!counterSequences.isEmpty()) {
            grants.add("GRANT USAGE ON SEQUENCE " + String.join(", ", counterSequences) + " TO " + grantee
                    + ";  -- the counter table's id default");
        }
        return grants;
    }

    private static String qualified(String schema, String names) {
        return Arrays.stream(names.split(",\\s*")).map(name -> schema + "." + name).reduce((a, b) -> a + ", " + b).orElseThrow();
    }
}

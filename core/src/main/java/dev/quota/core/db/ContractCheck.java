package dev.quota.core.db;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code quota db check}: judges a database by the read contract, not by the toolkit's own
 * DDL, so a product schema made by someone else passes when it can serve. Writes nothing.
 *
 * @param problems what keeps the toolkit from working here, or working by this release's rules (a
 *                 function an earlier release rendered), one line each (exit 8)
 * @param warnings what works but should be fixed: a missing index for the nightly scan
 * @param notes    the state of the toolkit's schema and the deployment's settings
 */
public record ContractCheck(List<String> problems, List<String> warnings, List<String> notes) {

    public boolean usable() {
        return problems.isEmpty();
    }

    public static ContractCheck of(Jdbi jdbi, Schemas schemas) {
        return jdbi.withHandle(handle -> {
            List<ReadContract.Problem> contract = ReadContract.problemsByRelation(handle, schemas);
            List<String> problems = contract.stream().map(ReadContract.Problem::line).collect(Collectors.toCollection(ArrayList::new));
            List<String> warnings = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            String userMessages = schemas.inToolkit(ReadContract.View.USER_MESSAGES.viewName());
            if (contract.stream().noneMatch(problem -> problem.relation().equals(userMessages))) {
                DayScanIndex.advice(handle).ifPresent(warnings::add);
            }
            CitusDistribution.judge(handle, schemas, warnings, notes);
            int applied = SchemaVersion.applied(handle, schemas);
            if (applied < SchemaVersion.LATEST) {
                notes.add("schema " + schemas.toolkit() + " is " + (applied == 0 ? "not installed" : "at version " + applied)
                        + ": 'quota db migrate' brings it to version " + SchemaVersion.LATEST);
            } else {
                DeploymentSettings settings = DeploymentSettings.read(handle);
                notes.add("schema " + schemas.toolkit() + " at version " + applied + "; stand_in " + settings.standIn()
                        + ", backend_honours_grants " + settings.backendHonoursGrants());
                DeployedFunctions.stale(handle, schemas).forEach(stale -> problems.add(stale.name()
                        + " differs from this release's text (an earlier release rendered it): 'quota db migrate' renders it again"));
            }
            return new ContractCheck(List.copyOf(problems), List.copyOf(warnings), List.copyOf(notes));
        });
    }
}

package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.testing.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * core's packages form layers: the values and errors at the root, then persistence and
 * strategy, db, and the services on top. A cycle would let a change anywhere ripple everywhere.
 */
class PackageLayersTest {

    private final PackageGraph graph = PackageGraph.of(Path.of("target/classes"), "dev.quota.core");

    @Test
    void givenCoresClasses_whenTheirPackagesAreGraphed_thenNoPackageIsInACycle() {
        assertThat(graph.dependenciesOf("dev.quota.core.service")).contains("dev.quota.core.strategy", "dev.quota.core.persistence");
        assertThat(graph.cycles()).isEmpty();
    }

    @Test
    void givenTheRootPackage_whenItsDependenciesAreRead_thenItDependsOnNoOtherPackageOfCore() {
        assertThat(graph.dependenciesOf("dev.quota.core")).isEmpty();
    }
}

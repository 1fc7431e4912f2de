package dev.vigil.connectors.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.common.PrincipalKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrincipalDirectoryTest {
    static final Path EXAMPLE = Path.of("../docs/examples/identities.yaml");

    @Test
    void theDocumentedExampleLoads() {
        PrincipalDirectory d = PrincipalDirectory.load(EXAMPLE);
        assertThat(d.principals()).isEqualTo(3);
        assertThat(d.byId("svc-deployer").kind()).isEqualTo(PrincipalKind.SERVICE);
        assertThat(d.find("teleport", "alice").id()).isEqualTo("alice");
        assertThat(d.find("vault", "0B6E1B5C-6E3C-4B0A-9D7E-2F6A4C1D9E01").id()).as("case-insensitive").isEqualTo("alice");
        assertThat(d.find("entra", "bob@example.com").id()).isEqualTo("bob");
        assertThat(d.find("k8s", "system:serviceaccount:ci:deployer").id()).isEqualTo("svc-deployer");
        assertThat(d.find("teleport", "carol")).isNull();
        assertThat(d.find("vault", "alice")).as("an alias belongs to its product only").isNull();
    }

    @Test
    void unixLoginsAreScopedToHosts() {
        PrincipalDirectory d = PrincipalDirectory.load(EXAMPLE);
        assertThat(d.findUnix("amartin", "db-7.prod.example.com").id()).isEqualTo("alice");
        assertThat(d.findUnix("amartin", "bastion-1").id()).isEqualTo("alice");
        assertThat(d.findUnix("amartin", "web-1")).isNull();
        assertThat(d.findUnix("bob", "bastion-1").id()).isEqualTo("bob");
        assertThat(d.findUnix("bob", "bastion-1.example.com").id()).as("short name of an FQDN").isEqualTo("bob");
        assertThat(d.findUnix("bob", "db-1")).isNull();
        assertThat(d.findUnix("alice", "anything").id()).as("every host").isEqualTo("alice");
        assertThat(d.findUnix("deploy", "app-3").id()).isEqualTo("svc-deployer");
        assertThat(d.findUnix("deploy", null)).isNull();
    }

    @Test
    void theSameLoginMayBeDifferentPeopleOnDifferentHosts() {
        PrincipalDirectory d = PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: human
                    aliases: {unix: ["admin@web-*"]}
                  - id: ben
                    kind: human
                    aliases: {unix: ["admin@db-1", admin]}
                """, "t.yaml");
        assertThat(d.findUnix("admin", "web-2").id()).isEqualTo("ann");
        assertThat(d.findUnix("admin", "db-1").id()).isEqualTo("ben");
        assertThat(d.findUnix("admin", "mail").id()).isEqualTo("ben");
    }

    @Test
    void anAliasGivenToTwoPrincipalsIsAConflictNamingBothLines() {
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: human
                    aliases:
                      teleport: [ann]
                  - id: ben
                    kind: human
                    aliases:
                      teleport: [ben, ANN]
                """, "dir.yaml"))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessage("dir.yaml:9: teleport alias 'ANN' of principal 'ben' is already given to principal 'ann' at line 5");
    }

    @Test
    void cloudtrailAndAwsAreOneNamespace() {
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - {id: ann, kind: human, aliases: {aws: [ann@example.com]}}
                  - {id: ben, kind: human, aliases: {cloudtrail: [ann@example.com]}}
                """, "d.yaml")).hasMessageStartingWith("d.yaml:3: aws alias 'ann@example.com' of principal 'ben'");
    }

    @Test
    void aUnixLoginOnTheSameHostTwiceIsAConflict() {
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - {id: ann, kind: human, aliases: {unix: ["root@db-*"]}}
                  - id: ben
                    kind: human
                    aliases:
                      unix:
                        - login: root
                          hosts: [db-1, db-*]
                """, "d.yaml")).hasMessage("d.yaml:7: unix login 'root' on 'db-*' of principal 'ben' is already given to principal 'ann' at line 2");
    }

    @Test
    void duplicatesAndMistakesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - {id: ann, kind: human}
                  - {id: ann, kind: service}
                """, "d.yaml")).hasMessage("d.yaml:3: principal 'ann' is already defined at line 2");
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: human
                    aliases:
                      teleport: [ann, ann]
                """, "d.yaml")).hasMessage("d.yaml:5: duplicate teleport alias 'ann' (already at line 5)");
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: robot
                """, "d.yaml")).hasMessage("d.yaml:3: kind must be human or service, not 'robot'");
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: human
                    alias: {teleport: [ann]}
                """, "d.yaml")).hasMessageStartingWith("d.yaml:4: unknown key 'alias'");
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - kind: human
                """, "d.yaml")).hasMessage("d.yaml:2: missing 'id'");
        assertThatThrownBy(() -> PrincipalDirectory.parse("""
                principals:
                  - id: ann
                    kind: human
                    kind: service
                """, "d.yaml")).hasMessage("d.yaml:4: duplicate key 'kind' (first at line 3)");
        assertThatThrownBy(() -> PrincipalDirectory.parse("principals: [ {id: ann", "d.yaml"))
                .hasMessageStartingWith("d.yaml:1: not valid YAML");
        assertThatThrownBy(() -> PrincipalDirectory.load(Path.of("no-such-file.yaml")))
                .hasMessage("no-such-file.yaml:0: identities file not found");
    }
}

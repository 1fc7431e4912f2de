package dev.vigil.connectors.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandRedactorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mysql -u root -pS3cr3t! prod                     | mysql -u root -p[REDACTED] prod",
        "vault login -method=userpass password=hunter2     | vault login -method=userpass password=[REDACTED]",
        "psql --password=hunter2 -h db                    | psql --password=[REDACTED] -h db",
        "curl --token abc.def -X GET                      | curl --token [REDACTED] -X GET",
        "PGPASSWORD=hunter2 psql -h db                    | PGPASSWORD=[REDACTED] psql -h db",
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG | export AWS_SECRET_ACCESS_KEY=[REDACTED]",
        "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE | aws configure set aws_access_key_id [REDACTED]",
        "curl -H 'Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl' x | curl -H 'Authorization: Bearer [REDACTED]' x",
        "git clone https://bob:ghp_abcdefghijklmnopqrstu@github.example/x | git clone https://bob:[REDACTED]@github.example/x",
        "CREATE USER app IDENTIFIED BY 'Pa55w0rd'          | CREATE USER app IDENTIFIED BY [REDACTED]",
        "ALTER USER reporting WITH PASSWORD 'S3cret!'     | ALTER USER reporting WITH PASSWORD [REDACTED]",
        "ls -la /var/log                                  | ls -la /var/log",
    })
    void masksSecretsAndKeepsTheShape(String command, String expected) {
        assertThat(CommandRedactor.redact(command.strip())).isEqualTo(expected.strip());
    }
}

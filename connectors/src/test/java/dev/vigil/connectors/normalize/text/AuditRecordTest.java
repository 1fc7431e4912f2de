package dev.vigil.connectors.normalize.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.json.InvalidRecordException;
import org.junit.jupiter.api.Test;

class AuditRecordTest {
    @Test
    void userSpaceMessageHexAndEnrichedNames() throws InvalidRecordException {
        AuditRecord r = AuditRecord.parse("node=h1 type=USER_CMD msg=audit(1481077231.363:475): pid=1382 uid=1000 auid=1000"
                + " ses=3 msg='cwd=\"/home/a\" cmd=2E2F6D62202D63 terminal=pts/0 res=success'\u001dUID=\"alice\" AUID=\"alice\"");
        assertThat(r.node()).isEqualTo("h1");
        assertThat(r.type()).isEqualTo("USER_CMD");
        assertThat(r.epochMillis()).isEqualTo(1481077231363L);
        assertThat(r.serial()).isEqualTo(475);
        assertThat(r.text("cmd")).isEqualTo("./mb -c");
        assertThat(r.text("cwd")).isEqualTo("/home/a");
        assertThat(r.raw("pid")).isEqualTo("1382");
        assertThat(r.text("AUID")).isEqualTo("alice");
        assertThat(r.eventKey()).isEqualTo("h1:1481077231.363:475");
    }

    @Test
    void nulSeparatedHexBecomesSpacesAndPlaceholdersAreNull() throws InvalidRecordException {
        AuditRecord r = AuditRecord.parse("type=PROCTITLE msg=audit(1.5:9): proctitle=636174002F6574632F736861646F77 tty=(none) hostname=?");
        assertThat(r.text("proctitle")).isEqualTo("cat /etc/shadow");
        assertThat(r.text("tty")).isNull();
        assertThat(r.text("hostname")).isNull();
        assertThat(r.epochMillis()).isEqualTo(1500L);
    }
}

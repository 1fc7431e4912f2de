package dev.vigil.connectors.normalize.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.json.InvalidRecordException;
import org.junit.jupiter.api.Test;

class CefRecordTest {
    @Test
    void headerEscapesAndExtensionValuesWithSpaces() throws InvalidRecordException {
        CefRecord r = CefRecord.parse("CEF:0|Vendor\\|X|Prod|1.0|100|Name with spaces|5|src=10.0.0.1 msg=a b=c\\= d suser=bob");
        assertThat(r.vendor()).isEqualTo("Vendor|X");
        assertThat(r.signatureId()).isEqualTo("100");
        assertThat(r.name()).isEqualTo("Name with spaces");
        assertThat(r.get("src")).isEqualTo("10.0.0.1");
        assertThat(r.extension().get("b")).isEqualTo("c= d");
        assertThat(r.get("msg")).isEqualTo("a");
        assertThat(r.get("suser")).isEqualTo("bob");
    }

    @Test
    void quotedValuesAsTheVaultWritesThemMayHoldKeyLikeText() throws InvalidRecordException {
        CefRecord r = CefRecord.parse("CEF:0|Cyber-Ark|Vault|12|300|PSM Connect|5|act=\"PSM Connect\" dvc= "
                + "msg=\"SessionID=1;DstHost=h;\" fname=Root\\Operating System-x cs2Label=\"Safe Name\" cs2=");
        assertThat(r.get("act")).isEqualTo("PSM Connect");
        assertThat(r.get("dvc")).isNull();
        assertThat(r.get("msg")).isEqualTo("SessionID=1;DstHost=h;");
        assertThat(r.get("fname")).isEqualTo("Root\\Operating System-x");
        assertThat(r.extension().get("cs2Label")).isEqualTo("Safe Name");
        assertThat(r.get("cs2")).isNull();
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        assertThatThrownBy(() -> CefRecord.parse("CEF:0|Cyber-Ark|Vault")).hasMessageStartingWith("truncated CEF header");
        assertThatThrownBy(() -> CefRecord.parse("LEEF:1.0|x")).hasMessage("not a CEF message");
    }
}

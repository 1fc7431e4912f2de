package dev.vigil.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every schema change must let the new code read what the previous release wrote. */
class SchemaCompatibilityTest {

    static Stream<Schema> currentSchemas() {
        return Stream.of(PrivilegedEvent.getClassSchema(), LabelledEvent.getClassSchema(), DeadLetter.getClassSchema(),
                Finding.getClassSchema(), PumCase.getClassSchema(), EvidenceRecord.getClassSchema());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentSchemas")
    void readsWhatThePreviousReleaseWrote(Schema current) throws IOException {
        Schema previous = baseline(current.getName());
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        assertThat(result.getType())
                .as("%s cannot read the baseline: %s", current.getName(), result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void theCheckRejectsANewRequiredField() throws IOException {
        Schema previous = baseline("PrivilegedEvent");
        String withRequired = previous.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},");
        Schema broken = new Schema.Parser().parse(withRequired);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, previous).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void everyFieldIsDocumented() {
        currentSchemas().forEach(SchemaCompatibilityTest::assertDocumented);
    }

    private static void assertDocumented(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            schema.getTypes().forEach(SchemaCompatibilityTest::assertDocumented);
        } else if (schema.getType() == Schema.Type.ARRAY) {
            assertDocumented(schema.getElementType());
        } else if (schema.getType() == Schema.Type.RECORD) {
            assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
            for (Schema.Field f : schema.getFields()) {
                assertThat(f.doc()).as("doc of %s.%s", schema.getName(), f.name()).isNotBlank();
                assertDocumented(f.schema());
            }
        }
    }

    private static Schema baseline(String name) throws IOException {
        try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/baseline/" + name + ".avsc")) {
            assertThat(in).as("baseline for %s", name).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}

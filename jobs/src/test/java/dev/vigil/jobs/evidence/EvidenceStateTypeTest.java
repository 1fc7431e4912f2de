package dev.vigil.jobs.evidence;

import dev.vigil.jobs.cases.Findings;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import static dev.vigil.jobs.evidence.Acts.at;
import static org.assertj.core.api.Assertions.assertThat;

/** Evidence state must be serialized by Flink's own serializers, not Kryo, so it can evolve and stays fast. */
class EvidenceStateTypeTest {

    private static <T> TypeSerializer<T> strictSerializer(Class<T> type) {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<T> pojo = (PojoTypeInfo<T>) info;
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getTypeAt(i)).as(pojo.getFieldNames()[i]).isNotInstanceOf(GenericTypeInfo.class);
        }
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return info.createSerializer(config);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
    }

    @Test
    void evidenceStateRoundTripsWithoutGenericTypes() throws Exception {
        assertThat(TypeInformation.of(SessionTrack.class)).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<EvidenceState> serializer = strictSerializer(EvidenceState.class);
        EvidenceState state = Acts.fold(EvidenceAssemblerTest.usedGrant());
        state.addFinding(Findings.finding("f1", "PUM-002", 70).setRequestId("REQ-1").build(), "case-1");

        EvidenceState copy = roundTrip(serializer, state);
        assertThat(EvidenceAssembler.assemble("alice", copy, at(120)))
                .isEqualTo(EvidenceAssembler.assemble("alice", state, at(120)));
    }

    @Test
    void recordScheduleRoundTripsWithoutGenericTypes() throws Exception {
        RecordSchedule schedule = new RecordSchedule();
        schedule.dirty = true;
        schedule.expiresAt = 42;
        schedule.windowEnd = 7L;
        RecordSchedule copy = roundTrip(strictSerializer(RecordSchedule.class), schedule);
        assertThat(copy).usingRecursiveComparison().isEqualTo(schedule);
    }
}

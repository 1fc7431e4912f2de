package dev.vigil.jobs.grant;

import dev.vigil.common.GrantLabel;
import dev.vigil.event.Action;
import dev.vigil.event.LabelledEvent;
import dev.vigil.rules.grant.GrantBook;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.vigil.jobs.grant.PrincipalEvents.sec;
import static org.assertj.core.api.Assertions.assertThat;

/** The grant book is kept in keyed state for every principal, so it must be serialized by Flink, not Kryo. */
class GrantBookStateTypeTest {

    private final PrincipalEvents alice = new PrincipalEvents("alice");

    @Test
    @SuppressWarnings("unchecked")
    void grantBookIsAFlinkPojoWithNoGenericTypeInside() {
        TypeInformation<GrantBook> type = TypeInformation.of(GrantBook.class);

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertNoGenericType(type);
        // The maps hold POJOs too, not opaque values.
        PojoTypeInfo<GrantBook> pojo = (PojoTypeInfo<GrantBook>) type;
        MapTypeInfo<?, ?> grants = (MapTypeInfo<?, ?>) (TypeInformation<?>) pojo.getTypeAt("grants");
        MapTypeInfo<?, ?> sessions = (MapTypeInfo<?, ?>) (TypeInformation<?>) pojo.getTypeAt("sessions");
        MapTypeInfo<?, ?> checkouts = (MapTypeInfo<?, ?>) (TypeInformation<?>) pojo.getTypeAt("checkouts");
        assertThat(grants.getValueTypeInfo()).isInstanceOf(PojoTypeInfo.class);
        assertThat(sessions.getValueTypeInfo()).isInstanceOf(PojoTypeInfo.class);
        assertThat(checkouts.getValueTypeInfo()).isInstanceOf(PojoTypeInfo.class);
        assertThat(((PojoTypeInfo<?>) grants.getValueTypeInfo()).getFieldNames()).contains("scope", "endedAt")
                .doesNotContain("matcher");
    }

    @Test
    void aBookSerializedWithGenericTypesDisabledLabelsAsTheOriginal() throws Exception {
        GrantBook book = new GrantBook(Duration.ofHours(2));
        book.apply(alice.requested("r1", sec(0), "REQ-1", "db-*"));
        book.apply(alice.activated("a1", sec(10), "REQ-1", sec(10), sec(100)));
        book.apply(alice.requested("r2", sec(0), "REQ-S", "secret/*"));
        book.apply(alice.activated("a2", sec(10), "REQ-S", sec(10), sec(60)));
        book.apply(alice.start("s1", sec(20), "S1", "db-01"));
        book.apply(alice.secret("k1", sec(30), Action.CHECKOUT, "secret/db/root"));

        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<GrantBook> serializer = TypeInformation.of(GrantBook.class).createSerializer(config);
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(book, bytes);
        GrantBook restored = serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));

        assertThat(restored.retentionMillis).isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(restored.nextCleanupTime()).isEqualTo(book.nextCleanupTime());
        LabelledEvent command = restored.apply(alice.command("c1", sec(120), "S1", "id"));
        LabelledEvent secret = restored.apply(alice.secret("k2", sec(120), Action.READ, "secret/db/root"));
        LabelledEvent covered = restored.apply(alice.start("s2", sec(50), "S2", "DB-02"));
        assertThat(command.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(command.getEvent().getTarget()).isEqualTo("db-01");
        assertThat(secret.getLabel()).isEqualTo(GrantLabel.AFTER_EXPIRY);
        assertThat(secret.getGrant().getRequestId()).isEqualTo("REQ-S");
        assertThat(covered.getLabel()).isEqualTo(GrantLabel.IN_GRANT);
    }

    private static void assertNoGenericType(TypeInformation<?> type) {
        assertThat(type).as(type.toString()).isNotInstanceOf(GenericTypeInfo.class);
        if (type instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericType(composite.getTypeAt(i));
            }
        }
        if (type instanceof MapTypeInfo<?, ?> map) {
            assertNoGenericType(map.getKeyTypeInfo());
            assertNoGenericType(map.getValueTypeInfo());
        }
        if (type instanceof ListTypeInfo<?> list) {
            assertNoGenericType(list.getElementTypeInfo());
        }
    }
}

package dev.vigil.jobs.rules;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * The same harness tests on RocksDB, where kept events go through their serializers and a restore walks the keys
 * of a real key-value store.
 */
class RuleOperatorOnRocksDbTest extends RuleOperatorTest {

    @Override
    StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }
}

package dev.vigil.jobs.grant;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/**
 * The same harness tests on RocksDB, where every state access goes through the serializers: a change to the
 * grant book that is not written back, or a type Flink cannot serialize, shows up here and not on the heap.
 */
class GrantContextFunctionOnRocksDbTest extends GrantContextFunctionTest {

    @Override
    StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }
}

package dev.vigil.jobs.anomaly;

import dev.vigil.connectors.control.ControlMessage;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.Finding;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.util.List;

/**
 * PUM-100's two stages as the graph chains them, in test harnesses: the principal stage's closed units go to the
 * peer-group stage, and each watermark reaches the principal stage first, then (once its units are passed on) the
 * peer-group stage. The scoring stage is the plain function or the one following the control topic.
 */
final class AnomalyPipeline implements AutoCloseable {
    final KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, ClosedUnit> units;
    private final KeyedOneInputStreamOperatorTestHarness<String, ClosedUnit, Finding> plain;
    private final KeyedBroadcastOperatorTestHarness<String, ClosedUnit, ControlMessage, Finding> controlled;
    private int forwarded;

    private AnomalyPipeline(KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, ClosedUnit> units,
                            KeyedOneInputStreamOperatorTestHarness<String, ClosedUnit, Finding> plain,
                            KeyedBroadcastOperatorTestHarness<String, ClosedUnit, ControlMessage, Finding> controlled) {
        this.units = units;
        this.plain = plain;
        this.controlled = controlled;
    }

    /** The state of both stages at a checkpoint. */
    record Snapshot(OperatorSubtaskState units, OperatorSubtaskState scoring) {}

    static AnomalyPipeline plain(AnomalyScoringFunction scoring, Duration retention, Snapshot restore)
            throws Exception {
        var scoringHarness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(scoring),
                (ClosedUnit c) -> c.peerGroup, Types.STRING);
        AnomalyPipeline p = new AnomalyPipeline(unitsHarness(retention), scoringHarness, null);
        p.open(restore);
        return p;
    }

    static AnomalyPipeline controlled(ControlledAnomalyScoring scoring, Snapshot restore) throws Exception {
        var scoringHarness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(scoring, List.of(ControlledAnomalyScoring.MODEL_STATE)),
                (ClosedUnit c) -> c.peerGroup, Types.STRING, 1, 1, 0);
        AnomalyPipeline p = new AnomalyPipeline(unitsHarness(BehaviourUnitsFunction.DEFAULT_PROFILE_RETENTION),
                null, scoringHarness);
        p.open(restore);
        // As in the graph: the control side never holds event time back.
        scoringHarness.processBroadcastWatermark(Long.MAX_VALUE);
        return p;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, LabelledEvent, ClosedUnit> unitsHarness(
            Duration retention) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BehaviourUnitsFunction(retention)),
                (LabelledEvent e) -> e.getEvent().getPrincipal().getId(), Types.STRING);
    }

    private void open(Snapshot restore) throws Exception {
        if (restore != null) {
            units.initializeState(restore.units());
            scoring().initializeState(restore.scoring());
        }
        units.open();
        scoring().open();
    }

    AbstractStreamOperatorTestHarness<Finding> scoring() {
        return plain != null ? plain : controlled;
    }

    void send(List<LabelledEvent> events) throws Exception {
        for (LabelledEvent e : events) {
            units.processElement(new StreamRecord<>(e, e.getEvent().getEventTime()));
        }
    }

    void watermark(long time) throws Exception {
        units.processWatermark(new Watermark(time));
        List<StreamRecord<? extends ClosedUnit>> closed = units.extractOutputStreamRecords();
        for (StreamRecord<? extends ClosedUnit> r : closed.subList(forwarded, closed.size())) {
            StreamRecord<ClosedUnit> copy = new StreamRecord<>(r.getValue(), r.getTimestamp());
            if (plain != null) {
                plain.processElement(copy);
            } else {
                controlled.processElement(copy);
            }
        }
        forwarded = closed.size();
        if (plain != null) {
            plain.processWatermark(new Watermark(time));
        } else {
            controlled.processWatermark(new Watermark(time));
        }
    }

    void control(ControlMessage message) throws Exception {
        controlled.processBroadcastElement(message, 0);
    }

    List<Finding> findings() {
        return scoring().extractOutputValues();
    }

    Snapshot snapshot(long id) throws Exception {
        return new Snapshot(units.snapshot(id, id), scoring().snapshot(id, id));
    }

    /** Keyed state entries of the principal stage and of the (plain) peer-group stage. */
    int[] keyedStateEntries() {
        return new int[] {units.numKeyedStateEntries(), plain.numKeyedStateEntries()};
    }

    @Override
    public void close() throws Exception {
        units.close();
        scoring().close();
    }
}

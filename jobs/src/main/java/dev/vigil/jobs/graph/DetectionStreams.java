package dev.vigil.jobs.graph;

import dev.vigil.event.DeadLetter;
import dev.vigil.event.LabelledEvent;
import dev.vigil.output.EvidenceRecord;
import dev.vigil.output.Finding;
import dev.vigil.output.PumCase;
import org.apache.flink.streaming.api.datastream.DataStream;

/** What the detection graph produces; each driver attaches its own sinks to these. */
public record DetectionStreams(
        DataStream<LabelledEvent> labelled,
        DataStream<LabelledEvent> late,
        DataStream<Finding> findings,
        DataStream<PumCase> cases,
        DataStream<EvidenceRecord> evidence,
        DataStream<DeadLetter> deadLetters) {}

package dev.vigil.jobs.evidence;

import dev.vigil.common.GrantLabel;
import dev.vigil.common.Principal;
import dev.vigil.event.EventType;
import dev.vigil.event.GrantRef;
import dev.vigil.event.LabelledEvent;
import dev.vigil.event.PrivilegedEvent;
import dev.vigil.output.BehaviourItem;
import dev.vigil.output.EvidenceKind;
import dev.vigil.output.Finding;
import dev.vigil.output.GrantRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one evidence record accumulates (a Flink POJO kept in keyed state): the grant's ELEVATION
 * events, its sessions, its behaviour listing and the findings about it. Every fold is order-independent
 * (earliest/latest picks break ties by id, the listing is kept sorted), so the same events and findings
 * give the same state whatever order they arrive in. Callers drop events already folded in.
 */
public class EvidenceState {

    /** Behaviour items listed per record unless configured otherwise. */
    public static final int DEFAULT_BEHAVIOUR_LIMIT = 500;

    /** Event time, then event id: the order of behaviour items and of every earliest/latest pick. */
    public static final Comparator<BehaviourItem> ITEM_ORDER =
            Comparator.comparingLong(BehaviourItem::getEventTime).thenComparing(BehaviourItem::getEventId);

    private static final int FROM_EVENT = 0;
    private static final int FROM_FINDING = 1;

    public EvidenceKind kind;
    public String key;

    /** The principal as the best-ranked contributor saw it: events before findings, then earliest. */
    public Principal principal;
    public int principalRank = Integer.MAX_VALUE;
    public long principalAt;
    public String principalTie;

    /** ELEVATION events of the grant (GRANT records only). */
    public List<PrivilegedEvent> elevations = new ArrayList<>();
    /** The grant as the latest act saw it; fills request fields no ELEVATION event supplied. */
    public GrantRef grantRef;
    public long grantRefAt;
    public String grantRefTie;

    /** The first {@code limit} acts by event time then id. */
    public List<BehaviourItem> behaviour = new ArrayList<>();
    /** Acts beyond the limit. */
    public int behaviourDropped;

    /**
     * The hash chain as last computed: its head covers the request text {@code chainRequestText} and the first
     * {@code chainedItems} behaviour items. Not state (transient: Flink's POJO serializer skips it); on the heap
     * backend it lets an emission hash only the items added since the previous one, and whenever it is missing
     * or an item was inserted before its end, the chain is simply recomputed.
     */
    transient String chainHead;
    transient String chainRequestText;
    transient int chainedItems;
    public Map<String, SessionTrack> sessions = new HashMap<>();
    /** Earliest IN_GRANT act, epoch ms. */
    public Long firstInGrantActAt;

    /** Sorted, distinct. */
    public List<String> findingIds = new ArrayList<>();
    /** Sorted, distinct. */
    public List<String> caseIds = new ArrayList<>();

    public Long firstEventAt;
    public Long lastEventAt;
    public Long firstFindingAt;
    public Long lastFindingAt;

    // What currentRequest() last built and from what; not state: rebuilt after a restore. The list of grant
    // events only grows, so its size tells whether one was added.
    private transient GrantRequest builtRequest;
    private transient int builtFromElevations;
    private transient GrantRef builtFromRef;
    private transient Principal builtFromPrincipal;
    private transient String builtFromKey;

    public EvidenceState() {
    }

    /** An empty record for {@code route}. */
    public static EvidenceState open(EvidenceRoute route) {
        EvidenceState state = new EvidenceState();
        state.kind = route.kind();
        state.key = route.key();
        return state;
    }

    public EvidenceRoute route() {
        return new EvidenceRoute(kind, key);
    }

    /**
     * Folds in one labelled event routed to this record. ELEVATION events feed the request; SESSION and
     * SECRET events feed the behaviour listing (at most {@code behaviourLimit} items, the rest counted) and,
     * for SESSION events, the session they belong to.
     */
    public void addEvent(LabelledEvent labelled, int behaviourLimit) {
        PrivilegedEvent event = labelled.getEvent();
        long at = event.getEventTime();
        notePrincipal(event.getPrincipal(), FROM_EVENT, at, event.getEventId());
        firstEventAt = firstEventAt == null ? at : Math.min(firstEventAt, at);
        lastEventAt = lastEventAt == null ? at : Math.max(lastEventAt, at);

        if (event.getType() == EventType.ELEVATION) {
            elevations.add(event);
            return;
        }
        GrantRef ref = labelled.getGrant();
        if (ref != null && (grantRef == null || later(at, event.getEventId(), grantRefAt, grantRefTie))) {
            grantRef = ref;
            grantRefAt = at;
            grantRefTie = event.getEventId();
        }
        if (labelled.getLabel() == GrantLabel.IN_GRANT && (firstInGrantActAt == null || at < firstInGrantActAt)) {
            firstInGrantActAt = at;
        }
        if (event.getType() == EventType.SESSION && event.getSessionId() != null) {
            sessions.computeIfAbsent(event.getSessionId(), SessionTrack::new).add(labelled);
        }
        list(item(labelled), behaviourLimit);
    }

    /**
     * Attaches a finding and the case it belongs to.
     *
     * @return false when the finding was attached already
     */
    public boolean addFinding(Finding finding, String caseId) {
        int at = Collections.binarySearch(findingIds, finding.getFindingId());
        if (at >= 0) {
            return false;
        }
        findingIds.add(-at - 1, finding.getFindingId());
        int caseAt = Collections.binarySearch(caseIds, caseId);
        if (caseAt < 0) {
            caseIds.add(-caseAt - 1, caseId);
        }
        long time = finding.getEventTime();
        notePrincipal(finding.getPrincipal(), FROM_FINDING, time, finding.getFindingId());
        firstFindingAt = firstFindingAt == null ? time : Math.min(firstFindingAt, time);
        lastFindingAt = lastFindingAt == null ? time : Math.max(lastFindingAt, time);
        return true;
    }

    /** The request as the grant's events (and, for missing fields, its latest act) describe it; null unless GRANT. */
    public GrantRequest request() {
        if (kind != EvidenceKind.GRANT) {
            return null;
        }
        return GrantHistory.request(key, principal == null ? null : principal.getId(), elevations, grantRef);
    }

    /**
     * As {@link #request()}, but kept and rebuilt only when what it is built from changed (a grant event was added,
     * a later act referred to the grant, the principal changed): the builder reads it on every event. Read it,
     * never hand it out or change it; an emitted record gets its own from {@link #request()}.
     */
    GrantRequest currentRequest() {
        if (kind != EvidenceKind.GRANT) {
            return null;
        }
        if (builtRequest == null || builtFromElevations != elevations.size() || builtFromRef != grantRef
                || builtFromPrincipal != principal || !Objects.equals(key, builtFromKey)) {
            builtRequest = request();
            builtFromElevations = elevations.size();
            builtFromRef = grantRef;
            builtFromPrincipal = principal;
            builtFromKey = key;
        }
        return builtRequest;
    }

    /** Latest event or finding time, epoch ms. */
    public long lastActivityAt() {
        long last = Long.MIN_VALUE;
        if (lastEventAt != null) {
            last = lastEventAt;
        }
        if (lastFindingAt != null) {
            last = Math.max(last, lastFindingAt);
        }
        return last;
    }

    static boolean before(PrivilegedEvent a, PrivilegedEvent b) {
        return a.getEventTime() < b.getEventTime()
                || (a.getEventTime() == b.getEventTime() && a.getEventId().compareTo(b.getEventId()) < 0);
    }

    private static boolean later(long at, String tie, long otherAt, String otherTie) {
        return at > otherAt || (at == otherAt && tie.compareTo(otherTie) > 0);
    }

    private void notePrincipal(Principal seen, int rank, long at, String tie) {
        if (seen == null) {
            return;
        }
        boolean better = principal == null || rank < principalRank
                || (rank == principalRank && (at < principalAt || (at == principalAt && tie.compareTo(principalTie) < 0)));
        if (better) {
            principal = seen;
            principalRank = rank;
            principalAt = at;
            principalTie = tie;
        }
    }

    /** The chain hash of this record's request and behaviour, extending the last one when only items were added. */
    String chainHash(GrantRequest request) {
        String requestText = EvidenceChain.requestText(request);
        if (chainHead == null || !requestText.equals(chainRequestText)) {
            chainHead = EvidenceChain.sha256Hex(requestText);
            chainRequestText = requestText;
            chainedItems = 0;
        }
        chainHead = EvidenceChain.extend(chainHead, behaviour, chainedItems);
        chainedItems = behaviour.size();
        return chainHead;
    }

    private void list(BehaviourItem item, int limit) {
        int at = Collections.binarySearch(behaviour, item, ITEM_ORDER);
        int insertAt = at >= 0 ? at : -at - 1;
        if (insertAt >= limit) {
            behaviourDropped++;
            return;
        }
        behaviour.add(insertAt, item);
        if (insertAt < chainedItems) {
            chainHead = null;
        }
        if (behaviour.size() > limit) {
            behaviour.remove(behaviour.size() - 1);
            behaviourDropped++;
            if (behaviour.size() < chainedItems) {
                chainHead = null;
            }
        }
    }

    private static BehaviourItem item(LabelledEvent labelled) {
        PrivilegedEvent e = labelled.getEvent();
        return BehaviourItem.newBuilder()
                .setEventId(e.getEventId())
                .setEventTime(e.getEventTime())
                .setType(e.getType())
                .setAction(e.getAction())
                .setSessionId(e.getSessionId())
                .setTarget(e.getTarget())
                .setCommand(e.getCommand())
                .setSecretId(e.getSecretId())
                .setLabel(labelled.getLabel())
                .setLate(labelled.getLate())
                .build();
    }
}

import type { RecordedEvent } from '@touchpoint/contracts';
import { AppError, StateCache } from '@touchpoint/core';
import type { EventPosition, PositionedEvent, Projection } from '@touchpoint/projections';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  type FiguresOf,
  type FoldAggregates,
  type LastApplied,
  type StoredProjectionDoc,
  lookupEntries,
  readState,
  stateSchemaOf,
} from '@touchpoint/read-models';
import { addLookups, removeLookups } from './lookup-index';

export interface ChangedDocument {
  readonly key: string;
  readonly revision: number;
  /** Position and event time of the newest event applied to the document in this batch. */
  readonly position: EventPosition;
  readonly occurredAt: string;
  readonly receivedAt: string;
}

export interface ApplyOutcome {
  readonly documentsWritten: number;
  readonly changed: readonly ChangedDocument[];
  /** Event applications skipped because the document's watermark already covered them. */
  readonly redelivered: number;
  readonly retries: number;
  /** UTF-8 size of the state of every document written, for the document-size histogram. */
  readonly documentBytes: readonly number[];
  /** Events older than their document's horizon when folded (a duplicate could not be seen). */
  readonly beyondHorizon: number;
  /** Events not folded because they would have taken a document past `maxDocumentBytes`. */
  readonly refused: readonly RefusedEvent[];
}

/** An event a document could not take: to be dead-lettered by the caller, with the reason. */
export interface RefusedEvent {
  readonly position: EventPosition;
  readonly key: string;
  readonly reason: string;
}

export interface RunnerOptions {
  /**
   * Stored JSON bytes of parsed states kept between folds (StateCache); 0 turns the cache off.
   * Default DEFAULT_STATE_CACHE_BYTES.
   */
  readonly stateCacheBytes?: number;
  /** Figures stored as native fields with each document (none when absent). */
  readonly figures?: FiguresOf<unknown, unknown>;
  /**
   * The largest stored state a document may reach (UTF-8 bytes of its JSON); an event that would
   * take it further is refused (ApplyOutcome.refused) instead of failing the write for ever.
   * Default DEFAULT_MAX_DOCUMENT_BYTES.
   */
  readonly maxDocumentBytes?: number;
}

/** Under MongoDB's 16 MiB document limit, with room for the search fields and figures. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 15 * 1024 * 1024;

export const DEFAULT_STATE_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A document as a fold needs it: its bookkeeping and its parsed state. Its stored JSON text is
 * left out (a cached entry would otherwise hold every state twice); `bytes` is that text's size.
 */
interface Loaded<S> {
  readonly doc: Pick<
    StoredProjectionDoc,
    'watermarks' | 'revision' | 'search' | 'last' | 'figures'
  >;
  readonly state: S;
  readonly bytes: number;
}

function loaded<S>(
  { state: json, ...doc }: StoredProjectionDoc,
  state: S,
  bytes?: number,
): Loaded<S> {
  return { doc, state, bytes: bytes ?? Buffer.byteLength(json) };
}

const MAX_ATTEMPTS = 6;

/**
 * Events folded between one load and one write of their documents. The bigger the chunk, the
 * more events of a document share one write: a batch (one fetch of a partition, 4 MiB live and
 * more for a replay) is normally folded whole. Chunks of one partition's batch run in log order,
 * and a split of the stream never changes the documents (the runner's batch-split property),
 * only how often a hot one is written. The bound keeps memory in check.
 */
export const DEFAULT_CHUNK_EVENTS = 50_000;

/**
 * Documents per store round-trip within a chunk: reads and writes go out in slices, each
 * followed by a heartbeat, so no single round-trip outlasts the group's session however many
 * documents a chunk touched, and a slow store slows the fold rather than timing the member out.
 */
export const DOCUMENTS_PER_ROUND_TRIP = 1000;

export interface ApplyOptions {
  /** Called after every store round-trip; the Kafka adapter's keeps the group membership. */
  readonly heartbeat?: () => Promise<void>;
  /** Upper bound on events per load/fold/write round (default DEFAULT_CHUNK_EVENTS). */
  readonly chunkEvents?: number;
}

/**
 * The generic streaming shell around a pure projection: group a batch by document key, load
 * the documents in one query, fold in memory, write every changed document in one bulk write.
 * Each document keeps a watermark per partition, so a batch redelivered after a crash is
 * skipped event by event, and a revision, so two writers of one document (events of two
 * partitions touching it) never overwrite each other: the loser reloads and folds again. The
 * same event id arriving at another partition or offset (a producer's retry, a channel that
 * re-sent it under another key) passes the watermark and is absorbed by `evolve`, which is
 * idempotent per event id.
 */
export class ProjectionRunner<S, V, P> {
  constructor(
    readonly projection: Projection<S, V, P>,
    private readonly store: ReadModelStore,
    readonly collection: string,
    private readonly policy: P,
    private readonly searchFields: (
      state: S,
    ) => Record<string, readonly string[]> | undefined = () => undefined,
    /** Search fields looked up by exact value through `<collection>_lookup` (lookup-index). */
    private readonly lookupFields: readonly string[] = [],
    options: RunnerOptions = {},
    /** Store-wide aggregate documents kept by this fold (crosssell co-purchase counts). */
    private readonly aggregates?: FoldAggregates<S>,
  ) {
    this.cache = new StateCache(options.stateCacheBytes ?? DEFAULT_STATE_CACHE_BYTES);
    this.figures = options.figures;
    this.maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  }

  private readonly maxDocumentBytes: number;

  private readonly figures: FiguresOf<S, P> | undefined;

  /** Parsed states of recently written documents (hits skip the store read and the parse). */
  readonly cache: StateCache<Loaded<S>>;

  async apply(
    events: readonly { event: RecordedEvent; position: EventPosition }[],
    options: ApplyOptions = {},
  ): Promise<ApplyOutcome> {
    const size = Math.max(1, options.chunkEvents ?? DEFAULT_CHUNK_EVENTS);
    const heartbeat = options.heartbeat ?? (() => Promise.resolve());
    let documentsWritten = 0;
    let redelivered = 0;
    let retries = 0;
    let beyondHorizon = 0;
    const documentBytes: number[] = [];
    const refused: RefusedEvent[] = [];
    // One notice per document per batch: the last chunk's revision and newest event.
    const changed = new Map<string, ChangedDocument>();
    for (let start = 0; start < events.length; start += size) {
      const outcome = await this.applyChunk(events.slice(start, start + size), heartbeat);
      documentsWritten += outcome.documentsWritten;
      redelivered += outcome.redelivered;
      retries += outcome.retries;
      beyondHorizon += outcome.beyondHorizon;
      for (const b of outcome.documentBytes) documentBytes.push(b);
      refused.push(...outcome.refused);
      for (const c of outcome.changed) {
        changed.delete(c.key);
        changed.set(c.key, c);
      }
    }
    return {
      documentsWritten,
      changed: [...changed.values()],
      redelivered,
      retries,
      documentBytes,
      beyondHorizon,
      refused,
    };
  }

  private async applyChunk(
    events: readonly { event: RecordedEvent; position: EventPosition }[],
    heartbeat: () => Promise<void>,
  ): Promise<ApplyOutcome> {
    const byKey = new Map<string, PositionedEvent[]>();
    for (const e of events) {
      for (const key of this.projection.keys(e.event)) {
        const list = byKey.get(key) ?? [];
        list.push(e);
        byKey.set(key, list);
      }
    }
    let pending = [...byKey.keys()];
    let written = 0;
    let redelivered = 0;
    let beyondHorizon = 0;
    let refused: RefusedEvent[] = [];
    const documentBytes: number[] = [];
    const changed: ChangedDocument[] = [];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (pending.length === 0)
        return {
          documentsWritten: written,
          changed,
          redelivered,
          // The first attempt is not a retry.
          retries: Math.max(0, attempt - 1),
          documentBytes,
          beyondHorizon,
          refused,
        };
      const docs = new Map<string, Loaded<S>>();
      const missing: string[] = [];
      for (const key of pending) {
        const cached = this.cache.take(key);
        if (cached === undefined) missing.push(key);
        else docs.set(key, cached);
      }
      for (const ids of slices(missing, DOCUMENTS_PER_ROUND_TRIP)) {
        for (const [id, doc] of await this.store.getMany<StoredProjectionDoc>(this.collection, ids))
          docs.set(id, loaded(doc, readState<S>(doc, this.projection)));
        await heartbeat();
      }
      const writes: {
        id: string;
        doc: StoredProjectionDoc;
        version: number;
        state: S;
        bytes: number;
      }[] = [];
      const candidates: ChangedDocument[] = [];
      redelivered = 0;
      beyondHorizon = 0;
      refused = [];
      for (const key of pending) {
        const found = docs.get(key);
        const doc = found?.doc;
        let state: S = found ? found.state : this.projection.initial(key);
        const watermarks = { ...(doc?.watermarks ?? {}) };
        const fresh: PositionedEvent[] = [];
        for (const e of byKey.get(key) ?? []) {
          const p = String(e.position.partition);
          const last = watermarks[p];
          if (last !== undefined && BigInt(e.position.offset) <= BigInt(last)) {
            redelivered++;
            continue;
          }
          watermarks[p] = e.position.offset;
          fresh.push(e);
        }
        const newest = fresh[fresh.length - 1];
        if (!newest) {
          // Nothing new for it: the unchanged document goes back to the cache as it was.
          if (found) this.cache.put(key, found, found.bytes);
          continue;
        }
        if (this.projection.beyondHorizon && found) {
          for (const e of fresh)
            if (this.projection.beyondHorizon(state, e, key, this.policy)) beyondHorizon++;
        }
        const revision = (doc?.revision ?? 0) + 1;
        const last = {
          partition: newest.position.partition,
          offset: newest.position.offset,
          occurredAt: newest.event.occurredAt,
          receivedAt: newest.event.receivedAt,
        };
        const storedAfter = (s: S, folded: readonly PositionedEvent[]) => {
          let latest = doc?.figures ? Date.parse(doc.figures.asOf) : -Infinity;
          for (const { event } of folded) latest = Math.max(latest, Date.parse(event.occurredAt));
          return this.storedDocument(s, watermarks, revision, latest, last);
        };
        const before = state;
        const mark = this.aggregates?.checkpoint();
        state = this.foldEvents(state, fresh, key);
        let stored = storedAfter(state, fresh);
        // Measured once: the limit check, the size histogram and the cache's budget all use it.
        let bytes = Buffer.byteLength(stored.state);
        if (bytes > this.maxDocumentBytes) {
          if (mark !== undefined) this.aggregates?.rewind(mark);
          const kept = this.foldWithinLimit(before, fresh, key, storedAfter);
          state = kept.state;
          stored = kept.stored;
          refused.push(...kept.refused);
          bytes = Buffer.byteLength(stored.state);
        }
        writes.push({ id: key, doc: stored, version: revision, state, bytes });
        candidates.push({
          key,
          revision,
          position: newest.position,
          occurredAt: newest.event.occurredAt,
          receivedAt: newest.event.receivedAt,
        });
      }
      // Aggregates first: see FoldAggregates for why this order makes a crash harmless.
      if (this.aggregates) await this.aggregates.flush(heartbeat);
      pending = [];
      for (const slice of slices(writes, DOCUMENTS_PER_ROUND_TRIP)) {
        // Only values the document did not carry before: those it did were added before that
        // version was written and stay until a version without them is (the removals below),
        // so a fold that changes no search key costs no lookup round trip.
        const additions = new Map<string, Set<string>>();
        for (const w of slice) {
          const had = new Set(lookupEntries(this.lookupFields, docs.get(w.id)?.doc.search));
          for (const entry of lookupEntries(this.lookupFields, w.doc.search)) {
            if (!had.has(entry))
              additions.set(entry, (additions.get(entry) ?? new Set()).add(w.id));
          }
        }
        if (additions.size > 0) {
          // Before the documents: a reader never finds a document missing from its lookup.
          await addLookups(this.store, this.collection, additions);
          await heartbeat();
        }
        const outcome = await this.store.writeVersioned(
          this.collection,
          slice.map(({ id, doc, version }) => ({ id, doc, version })),
        );
        await heartbeat();
        written += outcome.applied;
        pending.push(...outcome.staleIds);
        const lost = new Set(outcome.staleIds);
        for (const w of slice) {
          if (lost.has(w.id)) continue;
          documentBytes.push(w.bytes);
          this.cache.put(w.id, loaded(w.doc, w.state, w.bytes), w.bytes);
        }
        const removals = new Map<string, Set<string>>();
        for (const w of slice) {
          if (lost.has(w.id)) continue;
          const kept = new Set(lookupEntries(this.lookupFields, w.doc.search));
          for (const entry of lookupEntries(this.lookupFields, docs.get(w.id)?.doc.search)) {
            if (!kept.has(entry)) removals.set(entry, (removals.get(entry) ?? new Set()).add(w.id));
          }
        }
        if (removals.size > 0) {
          // After the documents, so the lookup still covers every current match; an erased
          // customer's addresses leave no hash pointing at her document behind.
          await removeLookups(this.store, this.collection, removals);
          await heartbeat();
        }
      }
      const lost = new Set(pending);
      changed.push(...candidates.filter((c) => !lost.has(c.key)));
    }
    throw AppError.conflict(
      'projection_contention',
      `${this.collection}: documents ${pending.slice(0, 5).join(', ')} kept changing under us; the batch will be retried`,
    );
  }

  private foldEvents(state: S, fresh: readonly PositionedEvent[], key: string): S {
    return this.aggregates
      ? this.aggregates.fold(state, fresh, key)
      : this.projection.evolveBatch
        ? this.projection.evolveBatch(state, fresh, key, this.policy)
        : fresh.reduce((s, e) => this.projection.evolve(s, e, key, this.policy), state);
  }

  /**
   * The batch took the document past the limit: fold its events one at a time, in log order,
   * refusing each one that would take it past. Each decision depends only on the state before
   * the event, which order-free folds make the same for any batch split, so a replay refuses
   * the same events. Costs a serialisation per event, only for such documents.
   */
  private foldWithinLimit(
    start: S,
    fresh: readonly PositionedEvent[],
    key: string,
    storedAfter: (s: S, folded: readonly PositionedEvent[]) => StoredProjectionDoc,
  ): { state: S; stored: StoredProjectionDoc; refused: RefusedEvent[] } {
    let state = start;
    let stored = storedAfter(start, []);
    const folded: PositionedEvent[] = [];
    const refused: RefusedEvent[] = [];
    for (const e of fresh) {
      const mark = this.aggregates?.checkpoint();
      const next = this.foldEvents(state, [e], key);
      const candidate = storedAfter(next, [...folded, e]);
      const bytes = Buffer.byteLength(candidate.state);
      if (bytes > this.maxDocumentBytes) {
        if (mark !== undefined) this.aggregates?.rewind(mark);
        refused.push({
          position: e.position,
          key,
          reason: `${this.collection} document ${key} would hold ${bytes} bytes of state with this event, over the limit of ${this.maxDocumentBytes} (PROJECTOR_MAX_DOCUMENT_KB)`,
        });
        continue;
      }
      state = next;
      stored = candidate;
      folded.push(e);
    }
    return { state, stored, refused };
  }

  /**
   * A document as stored. Its figures are as of `latestEventMs`, the latest event time the
   * document has seen (the stored figures' instant or a newer event): a maximum, so any arrival
   * order ends at the same instant, and never the clock, so a replay writes the same figures.
   */
  private storedDocument(
    state: S,
    watermarks: Record<string, string>,
    revision: number,
    latestEventMs: number,
    last: LastApplied | undefined,
  ): StoredProjectionDoc {
    const search = this.searchFields(state);
    const asOf = new Date(latestEventMs);
    const figures = this.figures
      ? { ...this.figures(state, asOf, this.policy), asOf: asOf.toISOString() }
      : undefined;
    return {
      state: JSON.stringify(state),
      schema: stateSchemaOf(this.projection),
      watermarks,
      revision,
      ...(search ? { search } : {}),
      ...(figures ? { figures } : {}),
      ...(last ? { last } : {}),
    };
  }

  /**
   * Replaces one document's state with `state`, folded elsewhere from the customer's archived
   * streams (`touchpoint rebuild-customer --repair`). Figures, search fields and lookups follow
   * the new state; each watermark becomes the later of the document's and `covered` (the newest
   * archived position per partition the fold included), so the live fold neither applies those
   * events again nor skips later ones. Guarded by the document's revision: a write in between
   * wins and the repair fails with a conflict to retry. A model keeping store-wide aggregates is
   * refused: the aggregates would keep the customer's old contribution.
   */
  async repair(
    key: string,
    state: S,
    covered: Readonly<Record<string, string>>,
    newestEventTime: Date,
  ): Promise<void> {
    if (this.aggregates) {
      throw AppError.validation(
        'repair_unsupported',
        `${this.projection.model}: its documents feed store-wide aggregates, which repairing one customer would leave wrong; replay the model into a new version instead (touchpoint replay ${this.projection.model} --as <version>)`,
      );
    }
    const doc = await this.store.get<StoredProjectionDoc>(this.collection, key);
    for (const [partition, offset] of Object.entries(doc?.watermarks ?? {})) {
      const archived = covered[partition];
      if (archived === undefined || BigInt(archived) < BigInt(offset)) {
        throw AppError.conflict(
          'streams_behind',
          `${this.collection}: ${key} holds events up to offset ${offset} of partition ${partition}, which the customer's streams do not have yet; let the archiver catch up and run the command again`,
        );
      }
    }
    const watermarks = { ...(doc?.watermarks ?? {}) };
    for (const [partition, offset] of Object.entries(covered)) {
      const mine = watermarks[partition];
      if (mine === undefined || BigInt(offset) > BigInt(mine)) watermarks[partition] = offset;
    }
    const revision = (doc?.revision ?? 0) + 1;
    const latest = Math.max(
      newestEventTime.getTime(),
      doc?.figures ? Date.parse(doc.figures.asOf) : -Infinity,
    );
    const stored = this.storedDocument(state, watermarks, revision, latest, doc?.last);
    const entries = (search: StoredProjectionDoc['search']) =>
      new Map(lookupEntries(this.lookupFields, search).map((e) => [e, new Set([key])]));
    const added = entries(stored.search);
    if (added.size > 0) await addLookups(this.store, this.collection, added);
    const outcome = await this.store.writeVersioned(this.collection, [
      { id: key, doc: stored, version: revision },
    ]);
    this.cache.take(key);
    if (outcome.applied !== 1) {
      throw AppError.conflict(
        'repair_conflict',
        `${this.collection}: ${key} changed while it was repaired; run the command again`,
      );
    }
    const gone = entries(doc?.search);
    for (const entry of added.keys()) gone.delete(entry);
    if (gone.size > 0) await removeLookups(this.store, this.collection, gone);
  }

  /** The stored state of one document (undefined when no event touched it yet). */
  async state(key: string): Promise<S | undefined> {
    const doc = await this.store.get<StoredProjectionDoc>(this.collection, key);
    return doc ? readState<S>(doc, this.projection) : undefined;
  }
}

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

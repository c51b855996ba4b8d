import { randomUUID } from 'node:crypto';
import { AppError, FoldQueue, type Logger, errorMessage } from '@touchpoint/core';
import type { ReadModelStore, VersionedWrite } from '@touchpoint/ports';
import { type AcceptedEventId, EVENT_ID_COLLECTION } from './event-id-registry';

/** The outcome of each request's claims: where its events landed, or that they were released. */
export const CLAIM_OUTCOME_COLLECTION = 'ingest_event_id_claims';

/** A claim: the id is taken by the request `c` (its claim token) since `at`. */
export type EventIdClaim = { readonly c: string; readonly at: string };

/**
 * What became of one request's claims. Written once per token, as an insert, so exactly one of
 * "settled" (the owner's append was acknowledged) and "released" (its append failed, or another
 * ingest found the claim abandoned) wins.
 */
export type ClaimOutcome =
  | { readonly at: string; readonly ids: string[]; readonly positions: string[] }
  | { readonly at: string; readonly released: true; readonly abandoned?: boolean };

export type ClaimVerdict =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'accepted'; readonly partition: number; readonly offset: string }
  /** Claimed by a request still appending (here or at another ingest): see `waitFor`. */
  | { readonly kind: 'busy' };

export interface EventIdClaimsOptions {
  /** Accepted ids this process keeps in memory to answer resends without the store. */
  readonly knownIds: number;
  /** A claim neither settled nor released this long after it was taken is abandoned. */
  readonly claimTimeoutMs: number;
  /** How long a request waits for another ingest's claim to be settled before a 503. */
  readonly waitForOtherMs: number;
  readonly now?: () => number;
}

type Local =
  { readonly kind: 'accepted'; partition: number; offset: string } | { kind: 'released' };

interface ClaimItem {
  readonly key: string;
  readonly claim: EventIdClaim;
  won?: boolean;
}

interface Deferred {
  readonly promise: Promise<Local>;
  resolve(outcome: Local): void;
}

function deferred(): Deferred {
  let resolve!: (o: Local) => void;
  const promise = new Promise<Local>((r) => (resolve = r));
  return { promise, resolve };
}

/** The registry key of an id's `generation`-th claim: a released claim is never overwritten. */
function keyOf(id: string, generation: number): string {
  return generation === 0 ? id : `${id}#${generation}`;
}

const MAX_GENERATIONS = 100;
const CLAIMED: ClaimVerdict = { kind: 'claimed' };
const BUSY: ClaimVerdict = { kind: 'busy' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The duplicate registry as the single source of truth across ingest instances, claimed before
 * the append instead of looked up before and written after it:
 *
 * - A first-time id is claimed by inserting its document (unique `_id`) before the append, so of
 *   two requests (in any processes) carrying it exactly one appends it. The claims of every
 *   request waiting in this process go to the store in one insert (a group commit: FerretDB
 *   stores an insert batch in one transaction, while a lookup by `$in` costs more than the
 *   insert and a per-document update ten times more).
 * - After the append, the request's outcome is one small document keyed by its claim token (a
 *   second group commit, off the request path): where each event landed, or that the claims are
 *   released because the log did not acknowledge them (written before the 503, so a retry is
 *   appended, as before when nothing was remembered after a failed append).
 * - Every transition is an insert on a unique `_id`, never a guarded update (FerretDB runs those
 *   as a read then a write): a released id is claimed again under a new key (`<id>#1`, …), and a
 *   claim left pending past `claimTimeoutMs` (its ingest died between claim and outcome) is
 *   released by whoever finds it, by inserting the outcome document first.
 * - Ids accepted by this process are answered from memory (`knownIds` of them); ids claimed by a
 *   concurrent request of this process wait for that request instead of the store.
 */
export class EventIdClaims {
  private readonly known = new Map<string, { partition: number; offset: string }>();
  private readonly ring: (string | undefined)[];
  private ringNext = 0;
  private readonly inflight = new Map<string, Deferred>();
  private readonly claimQueue: FoldQueue<ClaimItem>;
  private readonly outcomeQueue: FoldQueue<{ token: string; outcome: ClaimOutcome }>;
  private readonly background = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly store: ReadModelStore,
    private readonly logger: Logger,
    private readonly options: EventIdClaimsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.ring = new Array<string | undefined>(Math.max(0, options.knownIds));
    this.claimQueue = new FoldQueue(async (items) => {
      const outcome = await this.store.writeVersioned(
        EVENT_ID_COLLECTION,
        items.map((i) => ({ id: i.key, doc: i.claim, version: 1 })),
      );
      const lost = new Set(outcome.staleIds);
      for (const i of items) i.won = !lost.has(i.key);
    });
    this.outcomeQueue = new FoldQueue(async (items) => {
      const result = await this.store.writeVersioned(
        CLAIM_OUTCOME_COLLECTION,
        items.map((i) => ({ id: i.token, doc: i.outcome, version: 1 })),
      );
      if (result.staleIds.length > 0)
        this.logger.warn('claims were released as abandoned before their outcome was written', {
          tokens: result.staleIds,
        });
    });
  }

  /** A new claim token: one per request, named by every claim it takes. */
  newToken(): string {
    return randomUUID();
  }

  /**
   * Claims each id for `token`, says where its accepted copy is, or that a request still
   * appending holds it. Never waits for other requests: a request holding claims must not wait
   * for one that may be waiting for it (two ingests each holding an id of the other's batch).
   * The caller settles or releases what it claimed, then `waitFor`s the busy ids and claims
   * them again. Throws AppError(unavailable) when the store cannot be reached.
   */
  async claim(token: string, ids: readonly string[]): Promise<Map<string, ClaimVerdict>> {
    const verdicts = new Map<string, ClaimVerdict>();
    const pending: string[] = [];
    const work: Promise<void>[] = [];
    for (const id of ids) {
      const known = this.known.get(id);
      if (known) {
        verdicts.set(id, { kind: 'accepted', ...known });
        continue;
      }
      if (this.inflight.has(id)) {
        verdicts.set(id, BUSY);
        continue;
      }
      this.inflight.set(id, deferred());
      pending.push(id);
    }
    if (pending.length > 0) {
      const at = this.iso();
      const items = pending.map((id): ClaimItem => ({
        key: id,
        claim: { c: token, at } satisfies EventIdClaim,
      }));
      work.push(
        this.claimQueue.add(items).then(
          async () => {
            const lost = items.filter((i) => !i.won).map((i) => i.key);
            // A resent batch: its accepted ids answered with two reads, not two per id.
            const settled = await this.acceptedAt(lost);
            await Promise.all(
              items.map(async (i) => {
                const v = i.won
                  ? CLAIMED
                  : (settled.get(i.key) ?? (await this.resolve(token, i.key, 0)));
                verdicts.set(i.key, v);
                // Not ours: whoever waits here looks again.
                if (v.kind === 'accepted') this.finish(i.key, v);
                else if (v.kind === 'busy') this.finish(i.key, { kind: 'released' });
              }),
            );
          },
          (e: unknown) => {
            throw unavailable(e);
          },
        ),
      );
    }
    const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
    if (failed) {
      // The request answers 503 and appends nothing: what it claimed is released at once, and
      // what it did not decide is left to the store for the next request to find.
      const claimed = [...verdicts].filter(([, v]) => v.kind === 'claimed').map(([id]) => id);
      if (claimed.length > 0) await this.release(token, claimed);
      for (const id of pending) if (!verdicts.has(id)) this.finish(id, { kind: 'released' });
      throw failed.reason;
    }
    return verdicts;
  }

  /** The owner's append was acknowledged: remember where, durably in the background. */
  settle(
    token: string,
    accepted: readonly { id: string; partition: number; offset: string }[],
  ): void {
    for (const a of accepted) {
      const position = { partition: a.partition, offset: a.offset };
      this.remember(a.id, position);
      this.finish(a.id, { kind: 'accepted', ...position });
    }
    const outcome: ClaimOutcome = {
      at: new Date(this.now()).toISOString(),
      ids: accepted.map((a) => a.id),
      positions: accepted.map((a) => `${a.partition}:${a.offset}`),
    };
    const write = this.outcomeQueue
      .add([{ token, outcome }])
      .catch((e: unknown) =>
        // As before when remembering ids failed: a resend after `claimTimeoutMs` finds the claim
        // abandoned and is appended again; every read model counts an event id once.
        this.logger.warn('could not record where claimed events landed', {
          error: errorMessage(e),
          events: accepted.length,
        }),
      )
      .finally(() => this.background.delete(write));
    this.background.add(write);
  }

  /**
   * The owner's append failed: the claims are released before the request answers, so a retry
   * (here or at another ingest) claims the ids again and appends them.
   */
  async release(token: string, ids: readonly string[]): Promise<void> {
    try {
      await this.outcomeQueue.add([
        { token, outcome: { at: new Date(this.now()).toISOString(), released: true } },
      ]);
    } catch (e) {
      // The claims stay pending: a retry waits for them to be abandoned after claimTimeoutMs.
      this.logger.warn('could not release claimed event ids', {
        error: errorMessage(e),
        events: ids.length,
      });
    } finally {
      for (const id of ids) this.finish(id, { kind: 'released' });
    }
  }

  /** Waits for the outcome writes still running (graceful shutdown). */
  async flush(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  private finish(id: string, outcome: Local): void {
    const d = this.inflight.get(id);
    if (!d) return;
    this.inflight.delete(id);
    d.resolve(outcome);
  }

  private remember(id: string, position: { partition: number; offset: string }): void {
    if (this.ring.length === 0) return;
    // A ring of ids evicts the oldest without walking the Map's deleted slots.
    const old = this.ring[this.ringNext];
    if (old !== undefined) this.known.delete(old);
    this.ring[this.ringNext] = id;
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    this.known.set(id, position);
  }

  /**
   * Returns once each id is no longer held by a request of this process and has been looked at
   * again in the store, or throws `event_in_flight` (503) after `waitForOtherMs` (the holder's
   * append ends within its ack timeout, so only a dead or stuck holder lasts that long).
   */
  async waitFor(ids: readonly string[], since: number): Promise<void> {
    const local = ids.flatMap((id) => {
      const d = this.inflight.get(id);
      return d ? [d.promise] : [];
    });
    if (performance.now() - since >= this.options.waitForOtherMs)
      throw AppError.unavailable(
        'event_in_flight',
        `${ids.length} event(s) of this request (${ids[0]}, …) are being recorded by another request; retry to learn their outcome`,
        1,
      );
    if (local.length > 0) await Promise.all(local);
    else await sleep(25);
  }

  /** The ids whose first claim was settled, where they landed; the others need `resolve`. */
  private async acceptedAt(ids: readonly string[]): Promise<Map<string, ClaimVerdict>> {
    const out = new Map<string, ClaimVerdict>();
    if (ids.length === 0) return out;
    try {
      const docs = await this.store.getMany<Partial<AcceptedEventId> & Partial<EventIdClaim>>(
        EVENT_ID_COLLECTION,
        ids,
      );
      const tokens = new Set<string>();
      for (const [id, doc] of docs) {
        if (doc.partition !== undefined && doc.offset !== undefined)
          out.set(id, { kind: 'accepted', partition: doc.partition, offset: doc.offset });
        else if (doc.c !== undefined) tokens.add(doc.c);
      }
      if (tokens.size === 0) return out;
      const outcomes = await this.store.getMany<{ ids?: string[]; positions?: string[] }>(
        CLAIM_OUTCOME_COLLECTION,
        [...tokens],
      );
      for (const [id, doc] of docs) {
        const outcome = doc.c === undefined ? undefined : outcomes.get(doc.c);
        const at = outcome?.ids?.indexOf(id) ?? -1;
        const [partition, offset] = (outcome?.positions?.[at] ?? '').split(':');
        if (at >= 0 && partition && offset)
          out.set(id, { kind: 'accepted', partition: Number(partition), offset });
      }
      return out;
    } catch (e) {
      throw unavailable(e);
    }
  }

  /**
   * Reads the id's claims from `generation` on: an accepted one answers, a released one sends
   * the search to the next key, a free key is claimed, a pending one is busy (or released when
   * abandoned).
   */
  private async resolve(token: string, id: string, generation: number): Promise<ClaimVerdict> {
    for (let g = generation; g < MAX_GENERATIONS;) {
      const key = keyOf(id, g);
      const doc = await this.read<Partial<AcceptedEventId> & Partial<EventIdClaim>>(
        EVENT_ID_COLLECTION,
        key,
      );
      if (!doc) {
        if (await this.insert(EVENT_ID_COLLECTION, key, { c: token, at: this.iso() }))
          return CLAIMED;
        continue;
      }
      // Written by an ingest before claims, or rebuilt from the log: accepted there.
      if (doc.partition !== undefined && doc.offset !== undefined)
        return { kind: 'accepted', partition: doc.partition, offset: doc.offset };
      if (doc.c === undefined) {
        g++; // neither a position nor a claim: not a document ingest writes
        continue;
      }
      const outcome = await this.read<{ ids?: string[]; positions?: string[] }>(
        CLAIM_OUTCOME_COLLECTION,
        doc.c,
      );
      if (outcome) {
        const at = outcome.ids?.indexOf(id) ?? -1;
        const [partition, offset] = (outcome.positions?.[at] ?? '').split(':');
        if (at >= 0 && partition && offset)
          return { kind: 'accepted', partition: Number(partition), offset };
        // Released (or, never written so, an outcome without this id): the next key is free.
        g++;
        continue;
      }
      if (this.now() - Date.parse(doc.at ?? '') > this.options.claimTimeoutMs) {
        await this.insert(CLAIM_OUTCOME_COLLECTION, doc.c, {
          at: this.iso(),
          released: true,
          abandoned: true,
        });
        continue;
      }
      return BUSY;
    }
    throw new AppError(
      'too_many_claims',
      'internal',
      `event ${id} was claimed and released ${MAX_GENERATIONS} times`,
    );
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private async read<D extends Record<string, unknown>>(
    collection: string,
    id: string,
  ): Promise<D | undefined> {
    try {
      return await this.store.get<D>(collection, id);
    } catch (e) {
      throw unavailable(e);
    }
  }

  private async insert<D extends Record<string, unknown>>(
    collection: string,
    id: string,
    doc: D,
  ): Promise<boolean> {
    const write: VersionedWrite<D> = { id, doc, version: 1 };
    try {
      const outcome = await this.store.writeVersioned(collection, [write]);
      return outcome.staleIds.length === 0;
    } catch (e) {
      throw unavailable(e);
    }
  }
}

function unavailable(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return AppError.unavailable(
    'registry_unavailable',
    `the duplicate registry is unavailable: ${errorMessage(e)}`,
    5,
  );
}

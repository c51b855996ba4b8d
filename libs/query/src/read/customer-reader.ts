import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@touchpoint/core';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import {
  type CrosssellPolicy,
  type Customer360Policy,
  type Customer360State,
  type CustomerBasketsState,
  type IdentityMerge,
  type LoyaltyPolicy,
  type LoyaltyState,
  type Projection,
  crosssellModel,
  customer360Model,
  customerKey,
  loyaltyModel,
} from '@touchpoint/projections';
import {
  ModelCatalog,
  type ModelPolicies,
  type StateSchemaOf,
  type StoredProjectionDoc,
  lookupCandidates,
  readState,
} from '@touchpoint/read-models';
import { type Clock, MODEL_POLICIES, QUERY_CLOCK } from '../tokens';
import { type Freshness, freshnessOf } from './freshness';
import { ModelLag } from './model-lag.service';
import { type CachedRead, ViewCache } from './view-cache';

/** A document of the active version of a model, with how fresh it is. */
export interface Served<S, P> {
  readonly state: S;
  readonly version: string;
  /** The policy the served version was built with: its views must be evaluated with it. */
  readonly policy: P;
  readonly freshness: Freshness;
}

/** What the reader takes from a served model's descriptor. */
interface ServedModel<S, P> {
  readonly projection: Projection<S, unknown, P>;
  readonly identity: IdentityMerge<S, P>;
}

/** Customers merged into merged ones, visitors of absorbed customers…: a generous bound. */
const MAX_RELATED = 200;

/** Exact matches on one e-mail, phone or card are few; they are read whole and paged by search. */
const MAX_EXACT = 1000;

/**
 * How long a process serves the active version it read from the catalog: a promote or rollback
 * reaches every reader within this bound (as the live feed's), and requests in between share
 * one catalog read instead of making one each.
 */
export const ACTIVE_VERSION_CACHE_MS = 1000;

/** Does the document's search field hold the value now (what its `search` field stores)? */
function holds(state: Customer360State, field: string, value: string): boolean {
  const search: Record<string, readonly string[] | undefined> =
    customer360Model.searchFields(state);
  return search[field]?.includes(value) ?? false;
}

type ActiveEntry = Awaited<ReturnType<ModelCatalog['activeEntry']>>;

/**
 * Reads customer documents from the ACTIVE version of each model, resolved through the model
 * catalog at most ACTIVE_VERSION_CACHE_MS ago, so a promote switches every reader within it.
 */
@Injectable()
export class CustomerReader {
  private readonly catalog: ModelCatalog;
  private readonly activeEntries = new Map<string, { at: number; entry: Promise<ActiveEntry> }>();

  constructor(
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    private readonly lag: ModelLag,
    @Inject(MODEL_POLICIES) private readonly policies: ModelPolicies,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
    private readonly cache: ViewCache,
  ) {
    this.catalog = new ModelCatalog(store);
  }

  /**
   * The active version of a model and the policy it was built with (recorded in the catalog by
   * replay; the configured one for versions that predate it), so a promoted v2 with a stricter
   * policy is read with that policy, and a rollback brings the old one back.
   */
  async active<M extends keyof ModelPolicies>(
    model: M,
  ): Promise<{ version: string; collection: string; policy: ModelPolicies[M] }> {
    const { version, collection, entry } = await this.activeEntry(model);
    return {
      version,
      collection,
      policy: (entry?.policy as ModelPolicies[M] | undefined) ?? this.policies[model],
    };
  }

  private activeEntry(model: string): Promise<ActiveEntry> {
    const now = this.clock().getTime();
    const hit = this.activeEntries.get(model);
    if (hit && now - hit.at < ACTIVE_VERSION_CACHE_MS) return hit.entry;
    const entry = this.catalog.activeEntry(model);
    this.activeEntries.set(model, { at: now, entry });
    // A failed read (no active version yet, store down) is not served to later requests.
    entry.catch(() => {
      if (this.activeEntries.get(model)?.entry === entry) this.activeEntries.delete(model);
    });
    return entry;
  }

  /**
   * The customer's 360 state with linked visitors and absorbed customers folded in at read
   * time (visitor and customer documents evolve separately). 404 when no document exists.
   */
  async customer360(customerId: string): Promise<Served<Customer360State, Customer360Policy>> {
    const served = await this.merged('customer360', customerId, customer360Model);
    if (!served) {
      throw AppError.notFound('customer_not_found', `no customer with id ${customerId}`);
    }
    return served;
  }

  /** 404 unless the customer has a 360 document (every known customer has one). */
  async requireCustomer(customerId: string): Promise<void> {
    const { version, collection } = await this.active('customer360');
    let known = this.cache.known('customer360', version, customerId);
    if (known === undefined) {
      const key = customerKey(customerId);
      known = (await this.store.versions(collection, [key])).has(key);
      if (!known) this.cache.absent('customer360', version, customerId, key);
    }
    if (!known) {
      throw AppError.notFound('customer_not_found', `no customer with id ${customerId}`);
    }
  }

  /**
   * The customer360 documents of `version` whose search field holds exactly `value` (already
   * normalised), each its own state (search shows documents, not merged customers), in key
   * order. Cached in two parts: the lookup's candidate keys, which no notice can name (a
   * document that takes the value later is missed for at most the cache's TTL), and each
   * candidate's document, dropped by its notices and checked for the value on every search, so
   * a customer who changed that e-mail stops matching as soon as the notice arrives.
   */
  async exactMatches(
    version: string,
    collection: string,
    field: string,
    value: string,
  ): Promise<Customer360State[]> {
    const candidates = await this.cache.resolve('customer360', version, field, value, async () => {
      const keys: readonly string[] =
        (await lookupCandidates(this.store, collection, field, value)) ??
        // Before the projector's backfill: the scan, once per TTL.
        (
          await this.store.findBy<StoredProjectionDoc>(collection, `search.${field}`, value, {
            limit: MAX_EXACT,
          })
        ).map((d) => readState<Customer360State>(d, customer360Model.projection).key);
      return {
        state: keys.length > 0 ? keys : undefined,
        last: undefined,
        revisions: new Map(),
        bytes: keys.reduce((n, k) => n + k.length, 0),
      };
    });
    const keys = [...(candidates.state ?? [])].sort();
    const states = await this.ownStates<Customer360State>(
      'customer360',
      version,
      collection,
      customer360Model.projection,
      keys,
    );
    return keys
      .map((k) => states.get(k))
      .filter((s): s is Customer360State => s !== undefined && holds(s, field, value))
      .slice(0, MAX_EXACT);
  }

  /**
   * The documents of these keys in `version` of a model, each its own state (nothing merged
   * in); absent ones are left out. Cached per document; the missing ones are read together.
   */
  async ownStates<S>(
    model: keyof ModelPolicies,
    version: string,
    collection: string,
    projection: StateSchemaOf,
    keys: readonly string[],
  ): Promise<Map<string, S>> {
    const wanted: string[] = [];
    let batch: Promise<Map<string, StoredProjectionDoc>> | undefined;
    // The cache calls a loader at once on a miss, so every miss is in `wanted` before the one
    // batched read starts.
    const load = async (key: string): Promise<CachedRead<S>> => {
      wanted.push(key);
      batch ??= Promise.resolve().then(() =>
        this.store.getMany<StoredProjectionDoc>(collection, wanted),
      );
      const doc = (await batch).get(key);
      return {
        state: doc ? readState<S>(doc, projection) : undefined,
        last: doc?.last,
        revisions: new Map([[key, doc?.revision ?? 0]]),
        bytes: doc?.state.length ?? 0,
      };
    };
    const reads = await Promise.all(
      keys.map((key) => this.cache.document(model, version, key, () => load(key))),
    );
    const out = new Map<string, S>();
    reads.forEach((read, i) => {
      if (read.state !== undefined) out.set(keys[i]!, read.state);
    });
    return out;
  }

  /** The loyalty account; a known customer without one yet has an empty account. */
  async loyalty(customerId: string): Promise<Served<LoyaltyState, LoyaltyPolicy>> {
    return this.orInitial('loyalty', customerId, loyaltyModel);
  }

  async crosssell(customerId: string): Promise<Served<CustomerBasketsState, CrosssellPolicy>> {
    return this.orInitial('crosssell', customerId, crosssellModel);
  }

  private async orInitial<M extends keyof ModelPolicies, S>(
    model: M,
    customerId: string,
    served: ServedModel<S, ModelPolicies[M]>,
  ): Promise<Served<S, ModelPolicies[M]>> {
    const found = await this.merged(model, customerId, served);
    if (found) return found;
    const { version, policy } = await this.active(model);
    return {
      state: served.projection.initial(customerKey(customerId)),
      version,
      policy,
      freshness: freshnessOf(model, version, undefined, await this.lag.lagMs(model, version)),
    };
  }

  /**
   * The customer's document of the active version with every related document (linked
   * visitors, absorbed customers, followed to closure) folded in by the model's pure merge;
   * undefined when the customer has no document in this model. Served from the cache when it
   * holds the customer (no store round-trip), else read and cached.
   */
  private async merged<M extends keyof ModelPolicies, S>(
    model: M,
    customerId: string,
    served: ServedModel<S, ModelPolicies[M]>,
  ): Promise<Served<S, ModelPolicies[M]> | undefined> {
    const { version, collection, policy } = await this.active(model);
    const read = await this.cache.read(model, version, customerId, () =>
      this.read(collection, customerId, served, policy),
    );
    if (read.state === undefined) return undefined;
    return {
      state: read.state,
      version,
      policy,
      freshness: freshnessOf(model, version, read, await this.lag.lagMs(model, version)),
    };
  }

  private async read<S, P>(
    collection: string,
    customerId: string,
    { projection, identity }: ServedModel<S, P>,
    policy: P,
  ): Promise<CachedRead<S>> {
    const key = customerKey(customerId);
    const doc = await this.store.get<StoredProjectionDoc>(collection, key);
    const revisions = new Map([[key, doc?.revision ?? 0]]);
    if (!doc) return { state: undefined, last: undefined, revisions, bytes: 0 };
    const primary = readState<S>(doc, projection);
    let bytes = doc.state.length;
    const seen = new Set([key]);
    const others: S[] = [];
    let frontier = identity.relatedKeys(primary).filter((k) => !seen.has(k));
    while (frontier.length > 0 && seen.size < MAX_RELATED) {
      frontier.forEach((k) => seen.add(k));
      const docs = await this.store.getMany<StoredProjectionDoc>(collection, frontier);
      const next: string[] = [];
      for (const k of frontier) {
        const d = docs.get(k);
        // An absent related document is remembered too: its first write must invalidate.
        revisions.set(k, d?.revision ?? 0);
        if (!d) continue;
        const state = readState<S>(d, projection);
        bytes += d.state.length;
        others.push(state);
        next.push(...identity.relatedKeys(state).filter((k) => !seen.has(k)));
      }
      frontier = [...new Set(next)];
    }
    return {
      state: others.length > 0 ? identity.merge(primary, others, policy) : primary,
      last: doc.last,
      revisions,
      bytes,
    };
  }
}

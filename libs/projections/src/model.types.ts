import type { Projection } from './projection.types';

/** A policy parser's answer: the policy with every default filled in, or each field it refuses. */
export type ParsedPolicy<P> =
  { readonly ok: true; readonly policy: P } | { readonly ok: false; readonly errors: string[] };

/**
 * How a reader folds in the other documents of the same person: a document names the visitors
 * and absorbed customers it links (`relatedKeys`, followed to closure), and `merge` joins their
 * states into the customer's (pure, commutative, idempotent, erasure-absorbing) before `view`.
 */
export interface IdentityMerge<S, P> {
  readonly relatedKeys: (state: S) => readonly string[];
  readonly merge: (primary: S, others: readonly S[], policy: P) => S;
}

/** An index of the stored documents, as the store port takes it (`search.<field>`, `figures.<x>`). */
export interface ModelIndex {
  readonly fields: readonly string[];
  readonly unique?: boolean;
}

/**
 * One model, exported by its folder: everything the projector, replay, diff and the readers
 * need to fold, store, serve and compare it. The registry (@touchpoint/read-models MODEL_KINDS)
 * is the list of these.
 */
export interface ModelDescriptor<S, V, P> {
  /** Event types and document keys, `evolve`, the view as of an instant, the default policy. */
  readonly projection: Projection<S, V, P>;
  /** Partial policy JSON merged over the defaults, or the reasons it is wrong. */
  readonly parsePolicy: (raw: unknown) => ParsedPolicy<P>;
  /** Kept live at v1 from MODELS_CONFIG by every projector; other models exist only by replay. */
  readonly liveByDefault: boolean;
  /** This folder, under libs/projections/src: its files are the code half of a version's hash. */
  readonly codeDir: string;
  /** Absent for a model that is not served per customer (it has no read-time merge). */
  readonly identity?: IdentityMerge<S, P>;
  /** Search fields stored outside the serialised state, so the store can index them. */
  readonly searchFields?: (state: S) => Record<string, readonly string[]> | undefined;
  readonly indexes?: readonly ModelIndex[];
  /** Search fields found by exact value through the collection's lookup documents. */
  readonly lookupFields?: readonly string[];
  /** Native top-level figures stored with each document, as of an instant (docs/read-models.md). */
  readonly figures?: (state: S, asOf: Date, policy: P) => Record<string, unknown>;
  /** Categorical figures of one document's view whose distributions `diff` compares. */
  readonly facets?: (view: V) => Record<string, string | null>;
}

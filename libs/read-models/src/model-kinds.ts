import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stableStringify } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { IndexSpec, ReadModelStore } from '@touchpoint/ports';
import {
  type ContactPreferenceView,
  type Customer360View,
  type LoyaltyView,
  type Projection,
  contactPreferenceProjection,
  crosssellProjection,
  customer360Figures,
  customer360Projection,
  loyaltyFigures,
  loyaltyProjection,
  parseContactPreferencePolicy,
  parseCrosssellPolicy,
  parseCustomer360Policy,
  parseLoyaltyPolicy,
} from '@touchpoint/projections';
import { CopurchaseAggregates } from './crosssell-aggregates';
import { crosssellRules } from './crosssell-rules';
import type { FoldAggregates } from './fold-aggregates';
import type { FiguresOf } from './stored-document';

type ParsedPolicy<P> =
  { readonly ok: true; readonly policy: P } | { readonly ok: false; readonly errors: string[] };

/**
 * Everything the platform needs to know about a model to build, run, read and compare its
 * versions, with the model's types erased so that different models sit in one list. Adding a
 * model is one projection in libs/projections plus one `defineModel` entry below
 * (docs/models.md); the projector turns a kind into a running version (`instantiate`).
 */
export interface ModelKind {
  readonly model: string;
  readonly projection: Projection<unknown, unknown, unknown>;
  /** Partial policy JSON merged over the defaults, or the reasons it is wrong. */
  readonly parsePolicy: (raw: unknown) => ParsedPolicy<unknown>;
  /** Kept live at v1 from MODELS_CONFIG by every projector; other models exist only by replay. */
  readonly liveByDefault: boolean;
  /** The model's directory under libs/projections/src: its files are the version's code. */
  readonly codeDir: string;
  /** Search fields stored outside the serialised state, so the store can index them. */
  readonly searchFields?: (state: unknown) => Record<string, readonly string[]> | undefined;
  readonly indexes: readonly IndexSpec[];
  /** Search fields found by exact value through the collection's lookup (lookup.ts). */
  readonly lookupFields: readonly string[];
  /** Native top-level figures stored with each document (docs/read-models.md). */
  readonly figures?: FiguresOf<unknown, unknown>;
  /** Store-wide aggregate documents kept by the fold next to the collection (crosssell). */
  readonly aggregates?: (
    store: ReadModelStore,
    collection: string,
    policy: unknown,
  ) => FoldAggregates<unknown>;
  /** Categorical figures of one document's view whose distributions `diff` compares. */
  readonly facets?: (view: unknown) => Record<string, string | null>;
  /** Collection-wide figures (e.g. top rules) listed by `diff` as gained and lost. */
  readonly summaries?: (
    store: ReadModelStore,
    collection: string,
  ) => Promise<Record<string, string[]>>;
}

interface ModelSpec<S, V, P> {
  readonly projection: Projection<S, V, P>;
  readonly parsePolicy: (raw: unknown) => ParsedPolicy<P>;
  readonly liveByDefault: boolean;
  readonly codeDir: string;
  readonly searchFields?: (state: S) => Record<string, readonly string[]> | undefined;
  readonly indexes?: readonly IndexSpec[];
  readonly lookupFields?: readonly string[];
  readonly figures?: FiguresOf<S, P>;
  readonly aggregates?: (store: ReadModelStore, collection: string, policy: P) => FoldAggregates<S>;
  readonly facets?: (view: V) => Record<string, string | null>;
  readonly summaries?: ModelKind['summaries'];
}

/** Erases a model's types: the projector hands each function only its own model's values. */
export function defineModel<S, V, P>(spec: ModelSpec<S, V, P>): ModelKind {
  return {
    model: spec.projection.model,
    projection: spec.projection,
    parsePolicy: spec.parsePolicy,
    liveByDefault: spec.liveByDefault,
    codeDir: spec.codeDir,
    searchFields: spec.searchFields as ModelKind['searchFields'],
    indexes: spec.indexes ?? [],
    lookupFields: spec.lookupFields ?? [],
    figures: spec.figures as ModelKind['figures'],
    aggregates: spec.aggregates as ModelKind['aggregates'],
    facets: spec.facets as ModelKind['facets'],
    summaries: spec.summaries,
  };
}

export const MODEL_KINDS: readonly ModelKind[] = [
  defineModel({
    projection: customer360Projection,
    parsePolicy: parseCustomer360Policy,
    liveByDefault: true,
    codeDir: 'customer360',
    // Lookup fields live outside the serialised state so the store can index them.
    searchFields: (state) => ({ ...state.searchKeys }),
    indexes: [
      ...['emails', 'phones', 'names', 'loyaltyCards'].map((f) => ({ fields: [`search.${f}`] })),
      // Analysts filter by stage, and list who is at risk at their own "now" by a range on
      // both instants. FerretDB-SQLite scans instead (docs/read-models.md); MongoDB uses them.
      { fields: ['figures.lifecycleAtAsOf'] },
      { fields: ['figures.atRiskFrom', 'figures.lapsedFrom'] },
    ],
    // Agents look customers up by these exact values; names are prefix searches.
    lookupFields: ['emails', 'phones', 'loyaltyCards'],
    figures: customer360Figures,
    facets: (v: Customer360View) => ({ kind: v.kind, lifecycle: v.lifecycle.stage }),
  }),
  defineModel({
    projection: loyaltyProjection,
    parsePolicy: parseLoyaltyPolicy,
    liveByDefault: true,
    codeDir: 'loyalty',
    figures: loyaltyFigures,
    // "Loyal, and still loyal now": the tier at asOf and the instant it first changes.
    indexes: [{ fields: ['figures.tierAtAsOf', 'figures.tierUntil'] }],
    facets: (v: LoyaltyView) => ({ tier: v.tier, status: v.status }),
  }),
  defineModel({
    projection: crosssellProjection,
    parsePolicy: parseCrosssellPolicy,
    liveByDefault: true,
    codeDir: 'crosssell',
    aggregates: (store, collection, policy) => new CopurchaseAggregates(store, collection, policy),
    summaries: async (store, collection) => ({
      'top category rules': (
        await crosssellRules(store, collection, {
          level: 'category',
          minSupport: 0,
          minConfidence: 0,
          limit: 20,
        })
      ).map((r) => `${r.antecedent} → ${r.consequent}`),
    }),
  }),
  defineModel({
    projection: contactPreferenceProjection,
    parsePolicy: parseContactPreferencePolicy,
    liveByDefault: false,
    codeDir: 'contactpreference',
    facets: (v: ContactPreferenceView) => ({
      preferredChannel: v.preferredChannel,
      bestHour: v.bestHour === null ? null : String(v.bestHour),
    }),
  }),
];

export function modelKind(model: string): ModelKind {
  const kind = MODEL_KINDS.find((k) => k.model === model);
  if (!kind) {
    throw new AppError(
      'unknown_model',
      'not_found',
      `no model ${model}; known: ${MODEL_KINDS.map((k) => k.model).join(', ')}`,
    );
  }
  return kind;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The configuration half of a version's identity. */
export function configHash(policy: unknown): string {
  return sha(stableStringify(policy));
}

const codeHashes = new Map<string, string>();

/**
 * The code half: the model's source files as this process runs them (`.ts` under the test
 * runner, `.js` from dist/), plus the shared projection contract. Tests, fixtures and maps
 * are left out: they do not change what the model computes.
 */
export function codeHash(kind: ModelKind): string {
  const cached = codeHashes.get(kind.model);
  if (cached) return cached;
  const root = join(__dirname, '..', '..', 'projections', 'src');
  const dir = join(root, kind.codeDir);
  const h = createHash('sha256');
  if (existsSync(dir)) {
    const files = readdirSync(dir)
      .filter((f) => /\.(ts|js)$/.test(f) && !/(spec|fixtures|\.d)\.(ts|js)$/.test(f))
      .sort();
    for (const f of files) h.update(f).update(readFileSync(join(dir, f)));
  } else {
    // Bundled without its sources: the functions' text is the best available identity.
    for (const fn of Object.values(kind.projection)) {
      if (typeof fn === 'function') h.update(String(fn));
    }
  }
  const value = h.digest('hex').slice(0, 16);
  codeHashes.set(kind.model, value);
  return value;
}

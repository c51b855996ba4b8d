import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stableStringify } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { IndexSpec, ReadModelStore } from '@touchpoint/ports';
import {
  type IdentityMerge,
  type ModelDescriptor,
  type ParsedPolicy,
  type Projection,
  contactPreferenceModel,
  crosssellModel,
  customer360Model,
  loyaltyModel,
} from '@touchpoint/projections';
import { CopurchaseAggregates } from './crosssell-aggregates';
import { crosssellRules } from './crosssell-rules';
import type { FoldAggregates } from './fold-aggregates';
import type { FiguresOf } from './stored-document';

/**
 * A model's descriptor (its folder in libs/projections) with the model's types erased, so that
 * different models sit in one list, plus what only exists with a store. The projector turns a
 * kind into a running version (`instantiate`).
 */
export interface ModelKind {
  readonly model: string;
  readonly projection: Projection<unknown, unknown, unknown>;
  readonly parsePolicy: (raw: unknown) => ParsedPolicy<unknown>;
  readonly liveByDefault: boolean;
  readonly codeDir: string;
  readonly identity?: IdentityMerge<unknown, unknown>;
  readonly searchFields?: (state: unknown) => Record<string, readonly string[]> | undefined;
  readonly indexes: readonly IndexSpec[];
  readonly lookupFields: readonly string[];
  readonly figures?: FiguresOf<unknown, unknown>;
  readonly facets?: (view: unknown) => Record<string, string | null>;
  readonly aggregates?: ModelStorage<unknown, unknown>['aggregates'];
  readonly summaries?: ModelStorage<unknown, unknown>['summaries'];
}

/** The store-bound parts of a model, which its pure folder cannot hold. */
export interface ModelStorage<S, P> {
  /** Store-wide aggregate documents kept by the fold next to the collection (crosssell). */
  /** `cacheBytes`: parsed aggregate documents kept between folds (0: none). */
  readonly aggregates?: (
    store: ReadModelStore,
    collection: string,
    policy: P,
    cacheBytes: number,
  ) => FoldAggregates<S>;
  /** Collection-wide figures (e.g. top rules) listed by `diff` as gained and lost. */
  readonly summaries?: (
    store: ReadModelStore,
    collection: string,
  ) => Promise<Record<string, string[]>>;
}

/** Erases a model's types: the projector hands each function only its own model's values. */
export function defineModel<S, V, P>(
  descriptor: ModelDescriptor<S, V, P>,
  storage: ModelStorage<S, P> = {},
): ModelKind {
  return {
    model: descriptor.projection.model,
    projection: descriptor.projection,
    parsePolicy: descriptor.parsePolicy,
    liveByDefault: descriptor.liveByDefault,
    codeDir: descriptor.codeDir,
    identity: descriptor.identity as ModelKind['identity'],
    searchFields: descriptor.searchFields as ModelKind['searchFields'],
    indexes: descriptor.indexes ?? [],
    lookupFields: descriptor.lookupFields ?? [],
    figures: descriptor.figures as ModelKind['figures'],
    facets: descriptor.facets as ModelKind['facets'],
    aggregates: storage.aggregates as ModelKind['aggregates'],
    summaries: storage.summaries,
  };
}

/**
 * Every model. Adding one is its folder in libs/projections, exporting its descriptor, plus one
 * entry here (docs/models.md).
 */
export const MODEL_KINDS: readonly ModelKind[] = [
  defineModel(customer360Model),
  defineModel(loyaltyModel),
  defineModel(crosssellModel, {
    aggregates: (store, collection, policy, cacheBytes) =>
      new CopurchaseAggregates(store, collection, policy, cacheBytes),
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
  defineModel(contactPreferenceModel),
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

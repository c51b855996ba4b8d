import type { ProjectorConfig } from '@touchpoint/config';
import type { IndexSpec, ReadModelStore } from '@touchpoint/ports';
import type { Projection } from '@touchpoint/projections';
import { type ModelKind, collectionName } from '@touchpoint/read-models';
import {
  DEFAULT_STATE_CACHE_BYTES,
  ProjectionRunner,
  type RunnerOptions,
} from './projection-runner';

/** One model version the projector folds: its code, its policy and its collection. */
export interface RegisteredModel {
  readonly model: string;
  readonly version: string;
  readonly collection: string;
  readonly projection: Projection<unknown, unknown, unknown>;
  readonly policy: unknown;
  readonly indexes: readonly IndexSpec[];
  readonly lookupFields: readonly string[];
  runner(
    store: ReadModelStore,
    options?: RunnerOptions,
  ): ProjectionRunner<unknown, unknown, unknown>;
}

/** A version of the model folded with `policy`, which the caller parsed with the kind's parser. */
export function instantiate(kind: ModelKind, version: string, policy: unknown): RegisteredModel {
  const collection = collectionName(kind.model, version);
  return {
    model: kind.model,
    version,
    collection,
    projection: kind.projection,
    policy,
    indexes: kind.indexes,
    lookupFields: kind.lookupFields,
    runner: (store, options) =>
      new ProjectionRunner(
        kind.projection,
        store,
        collection,
        policy,
        kind.searchFields,
        kind.lookupFields,
        { ...options, figures: kind.figures },
        // Aggregate documents get a quarter of the states' budget again: far fewer, rewritten
        // by every fold that brings a basket.
        kind.aggregates?.(
          store,
          collection,
          policy,
          (options?.stateCacheBytes ?? DEFAULT_STATE_CACHE_BYTES) / 4,
        ),
      ),
  };
}

/** The runner settings a projector's configuration gives: the live fold and a replay share them. */
export function runnerOptions(config: ProjectorConfig): RunnerOptions {
  return {
    stateCacheBytes: config.PROJECTOR_STATE_CACHE_MB * 1024 * 1024,
    maxDocumentBytes: config.PROJECTOR_MAX_DOCUMENT_KB * 1024,
  };
}

import type { IndexSpec, ReadModelStore } from '@touchpoint/ports';
import type { Projection } from '@touchpoint/projections';
import type { FoldAggregates } from './fold-aggregates';
import { type FiguresOf, ProjectionRunner, type RunnerOptions } from './projection-runner';

/** One model version the projector folds: its code, its policy and its collection. */
export interface ModelDefinition<S, V, P> {
  readonly projection: Projection<S, V, P>;
  readonly version: string;
  readonly policy: P;
  readonly searchFields?: (state: S) => Record<string, readonly string[]> | undefined;
  readonly indexes?: readonly IndexSpec[];
  /** Search fields found by exact value through the collection's lookup (lookup-index). */
  readonly lookupFields?: readonly string[];
  readonly figures?: FiguresOf<S, P>;
  /** Store-wide aggregate documents the fold keeps next to the collection (crosssell). */
  readonly aggregates?: (store: ReadModelStore, collection: string, policy: P) => FoldAggregates<S>;
}

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

export function collectionName(model: string, version: string): string {
  return `${model}_${version}`;
}

/** Erases the model's types behind a runner factory, so different models sit in one list. */
export function registerModel<S, V, P>(def: ModelDefinition<S, V, P>): RegisteredModel {
  const collection = collectionName(def.projection.model, def.version);
  return {
    model: def.projection.model,
    version: def.version,
    collection,
    projection: def.projection,
    policy: def.policy,
    indexes: def.indexes ?? [],
    lookupFields: def.lookupFields ?? [],
    runner: (store, options) =>
      new ProjectionRunner(
        def.projection,
        store,
        collection,
        def.policy,
        def.searchFields,
        def.lookupFields,
        { ...options, figures: def.figures as FiguresOf<unknown, unknown> | undefined },
        def.aggregates?.(store, collection, def.policy),
      ) as unknown as ProjectionRunner<unknown, unknown, unknown>,
  };
}

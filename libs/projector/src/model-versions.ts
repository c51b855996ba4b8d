import { RuntimeConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { AppContext } from '@touchpoint/platform';
import {
  type ModelCatalog,
  type ModelKind,
  type ModelVersionEntry,
  type TimeAxis,
  codeHash,
  collectionName,
  configHash,
  copurchaseCollectionName,
  lookupCollectionName,
  projectorGroupId,
} from '@touchpoint/read-models';
import { instantiate } from './model-registry';
import {
  type ReplayBounds,
  type ReplayOutcome,
  type ReplayProgress,
  replayVersion,
} from './replay';

export interface BuildRequest {
  readonly kind: ModelKind;
  readonly version: string;
  readonly policy: unknown;
  readonly until?: { readonly at: Date; readonly time: TimeAxis };
  readonly from?: Date;
}

export type BuildResult =
  | { readonly state: 'already_built'; readonly entry: ModelVersionEntry }
  | {
      readonly state: 'built' | 'stopped';
      readonly entry: ModelVersionEntry;
      readonly outcome: ReplayOutcome;
      readonly resumed: boolean;
    };

const PROGRESS_RECORD_MS = 5000;
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/**
 * Builds a version by replay, or resumes one whose replay stopped. A version's name stands for
 * one code + configuration + bounds: asking again with another configuration is refused rather
 * than silently mixing two in one collection. When done, the version is live (the projector
 * continues its consumer group) or, for an as-of rebuild, frozen.
 */
export async function buildVersion(
  ctx: AppContext,
  catalog: ModelCatalog,
  request: BuildRequest,
  options: { signal?: AbortSignal; onProgress?: (p: ReplayProgress) => void; now: Date },
): Promise<BuildResult> {
  const { kind, version } = request;
  if (!VERSION_NAME.test(version)) {
    throw AppError.validation(
      'bad_version',
      `version ${version}: letters, digits, _ or -, at most 40, e.g. v2 or v2-tiers-2027`,
    );
  }
  const wanted = {
    codeHash: codeHash(kind),
    configHash: configHash(request.policy),
    asOf: request.until
      ? { until: request.until.at.toISOString(), time: request.until.time }
      : undefined,
    from: request.from?.toISOString(),
  };
  const existing = await catalog.entry(kind.model, version);
  if (existing) {
    const mismatch = (
      [
        ['configuration', existing.configHash, wanted.configHash],
        [
          '--until/--time',
          JSON.stringify(existing.asOf ?? null),
          JSON.stringify(wanted.asOf ?? null),
        ],
        ['--from', existing.from ?? null, wanted.from ?? null],
      ] as const
    ).filter(([, had, asked]) => had !== asked);
    if (mismatch.length > 0) {
      throw AppError.conflict(
        'version_exists',
        `${kind.model} ${version} already exists with another ${mismatch.map(([what]) => what).join(' and ')}: choose a new version name, or drop it first`,
      );
    }
    if (existing.status !== 'building') return { state: 'already_built', entry: existing };
  } else {
    // Leftovers of a dropped version of the same name must not leak into the new one.
    const prefix = ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
    await ctx.engines.log.deleteGroup(projectorGroupId(prefix, kind.model, version));
    await dropVersionCollections(ctx, collectionName(kind.model, version));
    await catalog.register(kind.model, {
      version,
      status: 'building',
      policy: request.policy,
      ...wanted,
      createdAt: options.now.toISOString(),
    });
  }
  const bounds: ReplayBounds = { until: request.until, from: request.from };
  // `models list` in another terminal shows how far the build is.
  let recorded = 0;
  let recording: Promise<unknown> = Promise.resolve();
  const outcome = await replayVersion({
    ctx,
    model: instantiate(kind, version, request.policy),
    bounds,
    signal: options.signal,
    onProgress: (p) => {
      options.onProgress?.(p);
      if (Date.now() - recorded < PROGRESS_RECORD_MS) return;
      recorded = Date.now();
      recording = recording
        .then(() =>
          catalog.update(kind.model, version, {
            progress: { processed: p.processed, total: p.total, at: new Date().toISOString() },
          }),
        )
        // Best effort: a contended catalog write only leaves an older figure on show.
        .catch(() => undefined);
    },
  });
  await recording;
  const progress = {
    processed: outcome.processed,
    total: outcome.total,
    at: new Date().toISOString(),
  };
  const pointer = await catalog.update(
    kind.model,
    version,
    outcome.completed
      ? { status: request.until ? 'frozen' : 'live', progress, builtAt: progress.at }
      : { progress },
  );
  const entry = pointer.versions.find((v) => v.version === version)!;
  return {
    state: outcome.completed ? 'built' : 'stopped',
    entry,
    outcome,
    resumed: existing !== undefined,
  };
}

/**
 * Forgets a version, then (after the projectors had time to notice and stop its group) drops
 * its consumer group and collection. The active version is refused by the catalog.
 */
export async function dropVersion(
  ctx: AppContext,
  catalog: ModelCatalog,
  model: string,
  version: string,
  projectorsNoticeMs: number,
): Promise<void> {
  await catalog.forget(model, version);
  if (ctx.engines.log.kind === 'kafka') {
    await new Promise((resolve) => setTimeout(resolve, projectorsNoticeMs));
  }
  const prefix = ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
  await ctx.engines.log.deleteGroup(projectorGroupId(prefix, model, version));
  await dropVersionCollections(ctx, collectionName(model, version));
}

async function dropVersionCollections(ctx: AppContext, collection: string): Promise<void> {
  await ctx.engines.store.dropCollection(collection);
  await ctx.engines.store.dropCollection(lookupCollectionName(collection));
  // crosssell's co-purchase aggregates (crosssell-aggregates); absent for other models.
  await ctx.engines.store.dropCollection(copurchaseCollectionName(collection));
}

/** Records behind the log end for a version's consumer group (null when it never committed). */
export async function versionLag(
  ctx: AppContext,
  model: string,
  version: string,
): Promise<number | null> {
  const prefix = ctx.config.get(RuntimeConfig).TOPIC_PREFIX;
  const topic = topicNames(prefix).events;
  const committed = await ctx.engines.log.committedOffsets(
    projectorGroupId(prefix, model, version),
    topic,
  );
  if (committed.length === 0) return null;
  const at = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  let lag = 0n;
  for (const o of await ctx.engines.log.offsets(topic)) {
    const pos = at.get(o.partition) ?? BigInt(o.low);
    if (BigInt(o.high) > pos) lag += BigInt(o.high) - pos;
  }
  return Number(lag);
}

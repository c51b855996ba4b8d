import { ProjectorConfig, RuntimeConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { type AppContext, JsonLogger, MetricsService } from '@touchpoint/platform';
import { instantiate, replayVersion } from '@touchpoint/projector';
import {
  type ModelKind,
  type ModelVersionEntry,
  ModelCatalog,
  catalogFile,
  collectionName,
  loadCatalogFile,
  loadModelPolicies,
  modelKind,
  saveCatalogFile,
} from '@touchpoint/read-models';
import type { CliContext } from './cli.context';

/** What the model commands share: an app context for the replay shell and the catalog. */
export interface ModelCli {
  readonly cli: CliContext;
  readonly app: AppContext;
  readonly catalog: ModelCatalog;
  readonly embedded: boolean;
  /** The policy a version runs with (recorded, or the configured one for a v1 never recorded). */
  policyOf(kind: ModelKind, entry: ModelVersionEntry | undefined): unknown;
  /** The version's collection, ready to read (embedded mode rebuilds it in memory first). */
  materialise(kind: ModelKind, version: string): Promise<{ collection: string; policy: unknown }>;
}

/**
 * In embedded mode the store is this process's memory: the catalog comes from and goes back to
 * `<DATA_DIR>/models.json`, and a version is rebuilt from the log whenever a command reads it.
 * The embedded log's lock means the server must be stopped meanwhile.
 */
export async function withModelCli<T>(
  cli: CliContext,
  body: (m: ModelCli) => Promise<T>,
): Promise<T> {
  const runtime = cli.config.get(RuntimeConfig);
  const logger = new JsonLogger(
    runtime.LOG_LEVEL === 'debug' ? 'debug' : 'error',
    { app: 'touchpoint-cli' },
    (l) => process.stderr.write(l + '\n'),
  );
  const app: AppContext = {
    name: 'touchpoint-cli',
    config: cli.config,
    engines: cli.engines,
    logger,
    metrics: new MetricsService('touchpoint-cli'),
  };
  const store = cli.engines.store;
  const embedded = store.kind === 'embedded';
  const catalog = new ModelCatalog(store, (m) => modelKind(m).liveByDefault);
  const file = catalogFile(runtime.DATA_DIR);
  if (embedded) await loadCatalogFile(store, file);
  let configured: Record<string, unknown> | undefined;
  const policyOf = (kind: ModelKind, entry: ModelVersionEntry | undefined): unknown => {
    if (entry?.policy !== undefined) return entry.policy;
    configured ??= loadModelPolicies(
      cli.config.get(ProjectorConfig).MODELS_CONFIG,
    ) as unknown as Record<string, unknown>;
    return configured[kind.model] ?? kind.projection.defaultPolicy;
  };
  const m: ModelCli = {
    cli,
    app,
    catalog,
    embedded,
    policyOf,
    materialise: async (kind, version) => {
      const pointer = await catalog.pointer(kind.model);
      const entry = pointer?.versions.find((v) => v.version === version);
      const known = entry ?? (pointer ? undefined : version === 'v1' && kind.liveByDefault);
      if (!known) {
        throw AppError.notFound(
          'version_not_found',
          `${kind.model} has no version ${version} (see: touchpoint models list)`,
        );
      }
      const policy = policyOf(kind, entry);
      if (embedded) {
        await replayVersion({
          ctx: app,
          model: instantiate(kind, version, policy),
          bounds: {
            until: entry?.asOf
              ? { at: new Date(entry.asOf.until), time: entry.asOf.time }
              : undefined,
            from: entry?.from ? new Date(entry.from) : undefined,
          },
        });
      }
      return { collection: collectionName(kind.model, version), policy };
    },
  };
  try {
    return await body(m);
  } finally {
    if (embedded) await saveCatalogFile(store, file);
  }
}

/** ISO-8601 instant (with offset or Z) or a calendar date (midnight UTC). */
export function parseInstant(option: string, value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw AppError.validation(
      'bad_time',
      `${option} ${value}: expected an ISO-8601 instant such as 2026-03-31T23:59:59Z or a date such as 2026-04-01`,
    );
  }
  return new Date(ms);
}

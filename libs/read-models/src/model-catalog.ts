import { AppError } from '@touchpoint/core';
import type { ReadModelStore } from '@touchpoint/ports';
import { collectionName } from './names';

/** The collection holding one pointer document per model (id = model name). */
export const MODEL_CATALOG_COLLECTION = 'touchpoint_models';

export interface ModelVersionEntry {
  readonly version: string;
  readonly collection: string;
  /** Hash of the projection code and of its policy: a version is code + configuration. */
  readonly codeHash?: string;
  readonly configHash?: string;
  readonly createdAt: string;
  /** Free-form notes for `models list` (e.g. replay options). */
  readonly notes?: Record<string, unknown>;
  /**
   * building: a replay is filling it; live: the projector keeps it current; frozen: an as-of
   * rebuild, never updated again. Absent means live (entries written before statuses existed).
   */
  readonly status?: VersionStatus;
  /** The policy the version was built with; the projector keeps it live with this one. */
  readonly policy?: unknown;
  /** Set for as-of rebuilds: only events before `until` on that time axis were folded. */
  readonly asOf?: { readonly until: string; readonly time: TimeAxis };
  /** Replay from this ingest instant instead of the log's beginning. */
  readonly from?: string;
  readonly progress?: { readonly processed: number; readonly total: number; readonly at: string };
  readonly builtAt?: string;
}

export type VersionStatus = 'building' | 'live' | 'frozen';
/** event: when it happened (occurredAt); ingest: when the platform learnt it (receivedAt). */
export type TimeAxis = 'event' | 'ingest';

export interface ModelPointer extends Record<string, unknown> {
  readonly model: string;
  readonly active: string;
  /** The version that was active before the last promote, for `rollback`. */
  readonly previous?: string;
  /**
   * Set by a rollback, cleared by a promote: a second rollback would switch back to the version
   * just rolled back from, so it is refused and the promote that does it named instead.
   */
  readonly rolledBack?: boolean;
  readonly versions: readonly ModelVersionEntry[];
  /** Optimistic-concurrency guard: every change writes seq + 1. */
  readonly seq: number;
}

/** Every live model starts at v1; a model with no pointer document yet is served from v1. */
export const DEFAULT_ACTIVE_VERSION = 'v1';

const MAX_ATTEMPTS = 5;

/**
 * The "active version" pointer per model (DESIGN §2). Readers look it up per request, so a
 * promote is one versioned document write and every reader after it sees the new version —
 * the switch is atomic without transactions. Writers change it by read-modify-write guarded by
 * `seq`, so two concurrent promotes cannot silently overwrite each other.
 */
export class ModelCatalog {
  constructor(
    private readonly store: ReadModelStore,
    /** Models served from v1 before any pointer exists; others have no version until promoted. */
    private readonly servedFromV1: (model: string) => boolean = () => true,
  ) {}

  async pointer(model: string): Promise<ModelPointer | undefined> {
    return this.store.get<ModelPointer>(MODEL_CATALOG_COLLECTION, model);
  }

  async all(): Promise<ModelPointer[]> {
    const rows = await this.store.page<ModelPointer>(MODEL_CATALOG_COLLECTION, { limit: 1000 });
    return rows.map((r) => r.doc);
  }

  async activeVersion(model: string): Promise<string> {
    return (await this.pointer(model))?.active ?? this.initialPointer(model).active;
  }

  async activeCollection(model: string): Promise<{ version: string; collection: string }> {
    const { version, collection } = await this.activeEntry(model);
    return { version, collection };
  }

  /** The active version with its catalog entry (policy, status…), from one pointer read. */
  async activeEntry(
    model: string,
  ): Promise<{ version: string; collection: string; entry: ModelVersionEntry | undefined }> {
    const pointer = (await this.pointer(model)) ?? this.initialPointer(model);
    const version = pointer.active;
    if (!version) {
      throw new AppError(
        'no_active_version',
        'not_found',
        `${model} has no active version yet: build one with replay, then promote it`,
      );
    }
    return {
      version,
      collection: collectionName(model, version),
      entry: pointer.versions.find((v) => v.version === version),
    };
  }

  async entry(model: string, version: string): Promise<ModelVersionEntry | undefined> {
    return (await this.pointer(model))?.versions.find((v) => v.version === version);
  }

  /** Changes fields of a known version (status, progress…). */
  async update(
    model: string,
    version: string,
    patch: Partial<Omit<ModelVersionEntry, 'version' | 'collection'>>,
  ): Promise<ModelPointer> {
    return this.change(model, (p) => {
      if (!p.versions.some((v) => v.version === version)) throw notFound(p, version);
      return {
        ...p,
        versions: p.versions.map((v) => (v.version === version ? { ...v, ...patch } : v)),
      };
    });
  }

  /** Records a version (idempotent by version name; later calls refresh hashes and notes). */
  async register(
    model: string,
    entry: Omit<ModelVersionEntry, 'collection'>,
  ): Promise<ModelPointer> {
    return this.change(model, (p) => {
      const full: ModelVersionEntry = {
        ...entry,
        collection: collectionName(model, entry.version),
      };
      const others = p.versions.filter((v) => v.version !== entry.version);
      return {
        ...p,
        versions: [...others, full].sort((a, b) => a.version.localeCompare(b.version)),
      };
    });
  }

  /**
   * Makes `version` the active one. A frozen (as-of) version never takes new events, so
   * serving it is refused unless `force`: agents would see data stuck at its `until`.
   */
  async promote(
    model: string,
    version: string,
    { force = false }: { force?: boolean } = {},
  ): Promise<ModelPointer> {
    return this.change(model, (p) => {
      const entry = p.versions.find((v) => v.version === version);
      if (!entry) throw notFound(p, version);
      if (entry.status === 'building') {
        throw new AppError(
          'version_building',
          'conflict',
          `${model} ${version} is still being built: finish its replay before promoting it`,
        );
      }
      if (entry.status === 'frozen' && !force) {
        throw new AppError(
          'version_frozen',
          'conflict',
          `${model} ${version} is frozen as of ${entry.asOf?.until ?? 'its build'}${entry.asOf ? ` (${entry.asOf.time} time)` : ''} and never takes new events: agents would see data stuck there. Promote it anyway with --force`,
        );
      }
      if (p.active === version) return p;
      return { ...p, previous: p.active || undefined, active: version, rolledBack: undefined };
    });
  }

  async rollback(model: string): Promise<ModelPointer> {
    return this.change(model, (p) => {
      if (!p.previous) {
        throw new AppError(
          'no_previous_version',
          'conflict',
          `${model} has no previous version to roll back to`,
        );
      }
      if (p.rolledBack) {
        throw new AppError(
          'already_rolled_back',
          'conflict',
          `${model}: ${p.active} is active, rolled back from ${p.previous} already; a second rollback would switch back to ${p.previous}. To serve it again: touchpoint promote ${model} ${p.previous}`,
        );
      }
      return { ...p, active: p.previous, previous: p.active, rolledBack: true };
    });
  }

  /** Forgets a version; the caller drops its collection. The active version cannot be dropped. */
  async forget(model: string, version: string): Promise<ModelPointer> {
    return this.change(model, (p) => {
      if (p.active === version) {
        throw new AppError(
          'active_version',
          'conflict',
          `${model} ${version} is the active version: promote another one before dropping it`,
        );
      }
      return {
        ...p,
        previous: p.previous === version ? undefined : p.previous,
        versions: p.versions.filter((v) => v.version !== version),
      };
    });
  }

  private async change(
    model: string,
    edit: (p: ModelPointer) => ModelPointer,
  ): Promise<ModelPointer> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = (await this.pointer(model)) ?? this.initialPointer(model);
      const next = edit(current);
      if (next === current && current.seq > 0) return current;
      const doc: ModelPointer = { ...stripUndefined(next), seq: current.seq + 1 };
      const outcome = await this.store.writeVersioned(MODEL_CATALOG_COLLECTION, [
        { id: model, doc, version: doc.seq },
      ]);
      if (outcome.applied === 1) return doc;
    }
    throw new AppError(
      'catalog_contended',
      'unavailable',
      `the ${model} pointer kept changing under us; retry`,
    );
  }

  private initialPointer(model: string): ModelPointer {
    if (!this.servedFromV1(model)) return { model, active: '', versions: [], seq: 0 };
    return initialPointer(model);
  }
}

function notFound(p: ModelPointer, version: string): AppError {
  return new AppError(
    'version_not_found',
    'not_found',
    `${p.model} has no version ${version}; known: ${p.versions.map((v) => v.version).join(', ') || 'none'}`,
  );
}

function initialPointer(model: string): ModelPointer {
  return {
    model,
    active: DEFAULT_ACTIVE_VERSION,
    versions: [
      {
        version: DEFAULT_ACTIVE_VERSION,
        collection: collectionName(model, DEFAULT_ACTIVE_VERSION),
        createdAt: new Date(0).toISOString(),
      },
    ],
    seq: 0,
  };
}

function stripUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

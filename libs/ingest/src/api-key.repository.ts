import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadModelStore } from '@touchpoint/ports';
import type { ApiKeyRecord } from './api-key';

export interface ApiKeyRepository {
  find(keyId: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** Creates or replaces; a record with a lower revision than the stored one is ignored. */
  save(record: ApiKeyRecord): Promise<void>;
}

export const API_KEY_REPOSITORY = Symbol('ApiKeyRepository');
const COLLECTION = 'api_keys';

/** Keys in the read-model store (MongoDB), shared by every ingest instance and the CLI. */
export class StoreApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly store: ReadModelStore) {}

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.store.get<ApiKeyRecord & Record<string, unknown>>(COLLECTION, keyId);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.store.findBy<ApiKeyRecord & Record<string, unknown>>(
      COLLECTION,
      'kind',
      'api_key',
      {
        limit: 100000,
      },
    );
  }

  async save(record: ApiKeyRecord): Promise<void> {
    await this.store.writeVersioned(COLLECTION, [
      { id: record.keyId, doc: { ...record, kind: 'api_key' }, version: record.revision },
    ]);
  }
}

/**
 * Keys in `<DATA_DIR>/api-keys.json` for the embedded mode, where the store is in memory and the
 * CLI runs in another process than the server. The server re-reads the file when it changes.
 */
export class FileApiKeyRepository implements ApiKeyRepository {
  private readonly path: string;
  private cache?: { mtimeMs: number; keys: Map<string, ApiKeyRecord> };

  constructor(dataDir: string) {
    this.path = join(dataDir, 'api-keys.json');
  }

  private load(): Map<string, ApiKeyRecord> {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch {
      return new Map();
    }
    if (this.cache?.mtimeMs === mtimeMs) return this.cache.keys;
    const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { keys: ApiKeyRecord[] };
    const keys = new Map(parsed.keys.map((k) => [k.keyId, k]));
    this.cache = { mtimeMs, keys };
    return keys;
  }

  find(keyId: string): Promise<ApiKeyRecord | undefined> {
    return Promise.resolve(this.load().get(keyId));
  }

  list(): Promise<ApiKeyRecord[]> {
    return Promise.resolve(
      [...this.load().values()].sort((a, b) => a.keyId.localeCompare(b.keyId)),
    );
  }

  save(record: ApiKeyRecord): Promise<void> {
    const keys = new Map(this.load());
    const current = keys.get(record.keyId);
    if (current && current.revision >= record.revision) return Promise.resolve();
    keys.set(record.keyId, record);
    mkdirSync(dirname(this.path), { recursive: true });
    // Write-then-rename: a reader never sees a half-written file.
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ keys: [...keys.values()] }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.cache = undefined;
    return Promise.resolve();
  }
}

export function apiKeyRepositoryFor(store: ReadModelStore, dataDir: string): ApiKeyRepository {
  return store.kind === 'embedded'
    ? new FileApiKeyRepository(dataDir)
    : new StoreApiKeyRepository(store);
}

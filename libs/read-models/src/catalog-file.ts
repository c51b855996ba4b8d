import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadModelStore } from '@touchpoint/ports';
import { MODEL_CATALOG_COLLECTION, type ModelPointer } from './model-catalog';

/**
 * The embedded store lives in memory and is rebuilt from the log at each start; the catalog is
 * not derived from the log, so in embedded mode it is also kept in `<DATA_DIR>/models.json`.
 */
export function catalogFile(dataDir: string): string {
  return join(dataDir, 'models.json');
}

export async function loadCatalogFile(store: ReadModelStore, path: string): Promise<void> {
  if (!existsSync(path)) return;
  const pointers = JSON.parse(readFileSync(path, 'utf8')) as ModelPointer[];
  await store.writeVersioned(
    MODEL_CATALOG_COLLECTION,
    pointers.map((p) => ({ id: p.model, doc: p, version: p.seq })),
  );
}

export async function saveCatalogFile(store: ReadModelStore, path: string): Promise<void> {
  const rows = await store.page<ModelPointer>(MODEL_CATALOG_COLLECTION, { limit: 1000 });
  const tmp = `${path}.tmp`;
  writeFileSync(
    tmp,
    JSON.stringify(
      rows.map((r) => r.doc),
      null,
      2,
    ) + '\n',
  );
  renameSync(tmp, path);
}

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  type ModelKind,
  type StoredProjectionDoc,
  documents,
  readState,
} from '@touchpoint/read-models';

/**
 * Writes every document's view (as of `asOf`, with the version's policy) for analysts' tools:
 * JSON lines, or CSV with one column per leaf field (nested objects flattened with dots, arrays
 * as JSON). Rows come in storage order, one pass per read (paging by id would be quadratic on
 * FerretDB v1); CSV needs its columns first, so it reads the collection twice.
 */
export async function exportViews(
  store: ReadModelStore,
  kind: ModelKind,
  collection: string,
  policy: unknown,
  asOf: Date,
  format: 'jsonl' | 'csv',
  out: string | undefined,
): Promise<number> {
  const sink: Writable = out ? createWriteStream(out) : process.stdout;
  const write = (line: string) =>
    sink.write(line + '\n') ? Promise.resolve() : new Promise<void>((r) => sink.once('drain', r));
  const view = (doc: StoredProjectionDoc) =>
    kind.projection.view(readState(doc, kind.projection), asOf, policy);
  let rows = 0;
  if (format === 'jsonl') {
    for await (const { id, doc } of documents(store, collection)) {
      await write(JSON.stringify({ key: id, ...(view(doc) as object) }));
      rows++;
    }
  } else {
    const columns = new Set<string>(['key']);
    for await (const { doc } of documents(store, collection)) {
      for (const c of flatten(view(doc)).keys()) columns.add(c);
    }
    const header = [...columns];
    await write(header.map(csvCell).join(','));
    for await (const { id, doc } of documents(store, collection)) {
      const flat = flatten(view(doc));
      flat.set('key', id);
      await write(header.map((c) => csvCell(flat.get(c) ?? '')).join(','));
      rows++;
    }
  }
  if (out)
    await new Promise<void>((resolve, reject) =>
      sink.end((e?: Error) => (e ? reject(e) : resolve())),
    );
  return rows;
}

export function flatten(
  value: unknown,
  path = '',
  out = new Map<string, string>(),
): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(path, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** RFC 4180: quote cells holding a comma, quote or line break; double inner quotes. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

import { stableStringify } from '@touchpoint/contracts';
import type { ReadModelStore } from '@touchpoint/ports';
import {
  type ModelKind,
  type StoredProjectionDoc,
  documents,
  readState,
} from '@touchpoint/read-models';
import { ContentDigest } from './model-digest';

export interface DiffSide {
  readonly version: string;
  readonly collection: string;
  readonly policy: unknown;
}

export interface FieldDifference {
  readonly path: string;
  /** Sampled documents (present in both) whose value at `path` differs. */
  readonly differing: number;
  readonly example: { readonly key: string; readonly a: unknown; readonly b: unknown };
}

export interface VersionDiff {
  readonly a: { readonly version: string; readonly documents: number; readonly digest: string };
  readonly b: { readonly version: string; readonly documents: number; readonly digest: string };
  readonly onlyInA: number;
  readonly onlyInB: number;
  readonly common: number;
  readonly sampled: number;
  readonly fields: readonly FieldDifference[];
  readonly distributions: readonly {
    readonly facet: string;
    readonly rows: readonly { readonly value: string; readonly a: number; readonly b: number }[];
  }[];
  readonly summaries: readonly {
    readonly name: string;
    readonly gained: readonly string[];
    readonly lost: readonly string[];
  }[];
}

interface Scan {
  readonly ids: string[];
  readonly facets: Map<string, Map<string, number>>;
  readonly digest: string;
}

async function scan(
  store: ReadModelStore,
  kind: ModelKind,
  side: DiffSide,
  asOf: Date,
): Promise<Scan> {
  const ids: string[] = [];
  const facets = new Map<string, Map<string, number>>();
  const digest = new ContentDigest();
  for await (const { id, doc } of documents(store, side.collection)) {
    ids.push(id);
    const state = readState<unknown>(doc, kind.projection);
    digest.add(id, state);
    if (!kind.facets) continue;
    for (const [facet, value] of Object.entries(
      kind.facets(kind.projection.view(state, asOf, side.policy)),
    )) {
      const counts = facets.get(facet) ?? new Map<string, number>();
      const v = value ?? '(none)';
      counts.set(v, (counts.get(v) ?? 0) + 1);
      facets.set(facet, counts);
    }
  }
  return { ids, facets, digest: digest.value() };
}

/** Leaf values of a view down to `depth` levels; deeper structures compare as a whole. */
function flatten(value: unknown, depth = 3, path = '', out = new Map<string, string>()) {
  if (depth > 0 && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value))
      flatten(v, depth - 1, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path || '$', stableStringify(value) ?? 'undefined');
  }
  return out;
}

/**
 * What changes between two versions of a model: document counts, per-field differences of the
 * views on an evenly spread sample of the documents both hold, the distribution of each
 * categorical facet (e.g. loyalty tiers) and collection-wide summaries (e.g. top rules).
 */
export async function diffVersions(
  store: ReadModelStore,
  kind: ModelKind,
  a: DiffSide,
  b: DiffSide,
  options: { readonly sample: number; readonly asOf: Date },
): Promise<VersionDiff> {
  const [sa, sb] = [
    await scan(store, kind, a, options.asOf),
    await scan(store, kind, b, options.asOf),
  ];
  const inB = new Set(sb.ids);
  const inA = new Set(sa.ids);
  // Scans come in storage order; the sample is spread evenly over the ids so that it is reproducible.
  const common = sa.ids.filter((id) => inB.has(id)).sort();
  const step = Math.max(1, Math.ceil(common.length / Math.max(1, options.sample)));
  const sample = common.filter((_, i) => i % step === 0).slice(0, options.sample);
  const [da, db] = [
    await store.getMany<StoredProjectionDoc>(a.collection, sample),
    await store.getMany<StoredProjectionDoc>(b.collection, sample),
  ];
  const fields = new Map<string, FieldDifference>();
  for (const id of sample) {
    const va = flatten(
      kind.projection.view(readState(da.get(id)!, kind.projection), options.asOf, a.policy),
    );
    const vb = flatten(
      kind.projection.view(readState(db.get(id)!, kind.projection), options.asOf, b.policy),
    );
    for (const path of new Set([...va.keys(), ...vb.keys()])) {
      if (va.get(path) === vb.get(path)) continue;
      const seen = fields.get(path);
      fields.set(path, {
        path,
        differing: (seen?.differing ?? 0) + 1,
        example: seen?.example ?? {
          key: id,
          a: parse(va.get(path)),
          b: parse(vb.get(path)),
        },
      });
    }
  }
  const facetNames = [...new Set([...sa.facets.keys(), ...sb.facets.keys()])].sort();
  const distributions = facetNames.map((facet) => {
    const ca = sa.facets.get(facet) ?? new Map<string, number>();
    const cb = sb.facets.get(facet) ?? new Map<string, number>();
    const values = [...new Set([...ca.keys(), ...cb.keys()])].sort();
    return {
      facet,
      rows: values.map((value) => ({ value, a: ca.get(value) ?? 0, b: cb.get(value) ?? 0 })),
    };
  });
  const summaries = [];
  if (kind.summaries) {
    const [ma, mb] = [
      await kind.summaries(store, a.collection),
      await kind.summaries(store, b.collection),
    ];
    for (const name of Object.keys(ma)) {
      const la = new Set(ma[name]);
      const lb = new Set(mb[name] ?? []);
      summaries.push({
        name,
        gained: [...lb].filter((x) => !la.has(x)),
        lost: [...la].filter((x) => !lb.has(x)),
      });
    }
  }
  return {
    a: { version: a.version, documents: sa.ids.length, digest: sa.digest },
    b: { version: b.version, documents: sb.ids.length, digest: sb.digest },
    onlyInA: sa.ids.filter((id) => !inB.has(id)).length,
    onlyInB: sb.ids.filter((id) => !inA.has(id)).length,
    common: common.length,
    sampled: sample.length,
    fields: [...fields.values()].sort(
      (x, y) => y.differing - x.differing || x.path.localeCompare(y.path),
    ),
    distributions,
    summaries,
  };
}

function parse(text: string | undefined): unknown {
  return text === undefined || text === 'undefined' ? undefined : JSON.parse(text);
}

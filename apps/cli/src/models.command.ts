import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ProjectorConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { buildVersion, diffVersions, dropVersion, versionLag } from '@touchpoint/projector';
import {
  MODEL_KINDS,
  type ModelKind,
  type TimeAxis,
  codeHash,
  collectionName,
  modelKind,
} from '@touchpoint/read-models';
import type { CliContext } from './cli.context';
import { type ModelCli, parseInstant, withModelCli } from './model-cli.context';
import { exportViews } from './export.writer';
import { ProgressBar } from './progress-bar';

export const MODELS_USAGE = `Model versions (analysts):
  models list                                  models, versions, the active one, progress and lag
  replay <model> --as <version> [--config <file>] [--from earliest|<time>]
         [--until <time> [--time event|ingest]]
                                               build a version from the whole log while live
                                               processing continues; Ctrl-C stops, rerun resumes
  diff <model> <versionA> <versionB> [--sample <n>] [--as-of <time>]
  promote <model> <version> [--force]          readers switch to it at once (embedded: when the
                                               server starts); a frozen as-of version needs --force
  rollback <model>                             back to the version active before the last promote
                                               (once: a second rollback is refused, promote instead)
  drop <model> <version>                       forget a version, its collection and group
  export <model> [--version <v>] --format jsonl|csv [--out <file>] [--as-of <time>]
Models: ${MODEL_KINDS.map((k) => k.model).join(', ')}. Times: ISO-8601 (2026-03-31T23:59:59Z) or a date.`;

/** Exit status after Ctrl-C (128 + SIGINT), so scripts can tell a stop from a failure. */
const INTERRUPTED = 130;

export async function modelsCommand(
  cli: CliContext,
  command: string,
  args: readonly string[],
): Promise<number> {
  return withModelCli(cli, async (m) => {
    switch (command) {
      case 'models':
        if (args[0] !== 'list') throw AppError.validation('usage', MODELS_USAGE);
        return list(m);
      case 'replay':
        return replay(m, args);
      case 'diff':
        return diff(m, args);
      case 'promote': {
        const [model, version] = positional(args, 2, 'promote <model> <version>');
        modelKind(model);
        const p = await m.catalog.promote(model, version, { force: args.includes('--force') });
        const entry = p.versions.find((v) => v.version === p.active);
        cli.out(`${model}: ${p.active} is active (was ${p.previous ?? 'none'}); ${takesEffect(m)}`);
        if (entry?.status === 'frozen') {
          cli.out(
            `${model} ${p.active} is FROZEN as of ${entry.asOf?.until ?? 'its build'}${entry.asOf ? ` (${entry.asOf.time} time)` : ''}: it takes no new events, agents see data as of then`,
          );
        }
        return 0;
      }
      case 'rollback': {
        const [model] = positional(args, 1, 'rollback <model>');
        modelKind(model);
        const p = await m.catalog.rollback(model);
        cli.out(
          `${model}: rolled back to ${p.active} (from ${p.previous ?? 'none'}); ${p.active} is active; ${takesEffect(m)}`,
        );
        return 0;
      }
      case 'drop': {
        const [model, version] = positional(args, 2, 'drop <model> <version>');
        modelKind(model);
        const wait = 2 * cli.config.get(ProjectorConfig).MODEL_CATALOG_POLL_MS;
        await dropVersion(m.app, m.catalog, model, version, wait);
        cli.out(`${model} ${version}: dropped (catalog entry, collection and consumer group)`);
        return 0;
      }
      case 'export':
        return exportCommand(m, args);
      default:
        throw AppError.validation('usage', MODELS_USAGE);
    }
  });
}

/**
 * When a change of the active version reaches readers. The embedded server keeps its catalog in
 * memory and reads DATA_DIR/models.json only when it starts (and the command ran because no
 * server holds the log), so saying "at once" there would promise what does not happen.
 */
function takesEffect(m: ModelCli): string {
  return m.embedded
    ? 'embedded mode: takes effect when the server starts (it reads the catalog from DATA_DIR then)'
    : 'readers follow within a second';
}

function positional(args: readonly string[], n: 1 | 2, usage: string): [string, string] {
  const values = args.filter((a) => !a.startsWith('--'));
  if (values.length < n) throw AppError.validation('usage', `usage: touchpoint ${usage}`);
  return [values[0]!, values[1] ?? ''];
}

async function list(m: ModelCli): Promise<number> {
  const rows: string[][] = [
    ['MODEL', 'VERSION', 'STATUS', 'ACTIVE', 'DOCS', 'LAG', 'PROGRESS', 'CODE', 'CONFIG', 'AS OF'],
  ];
  for (const kind of MODEL_KINDS) {
    const pointer = await m.catalog.pointer(kind.model);
    const active = await m.catalog.activeVersion(kind.model);
    const versions = pointer?.versions ?? [];
    if (versions.length === 0) {
      rows.push([kind.model, '-', kind.liveByDefault ? 'not started' : 'none (replay-only)']);
      continue;
    }
    for (const v of versions) {
      const status = v.status ?? 'live';
      const docs = m.embedded ? '-' : String(await m.cli.engines.store.count(v.collection));
      const lag = status === 'frozen' ? '-' : await versionLag(m.app, kind.model, v.version);
      const progress = v.progress
        ? `${v.progress.processed}/${v.progress.total}${status === 'building' ? ` (${pct(v.progress.processed, v.progress.total)})` : ''}`
        : '-';
      const code = v.codeHash
        ? `${v.codeHash.slice(0, 8)}${v.codeHash === codeHash(kind) ? '' : ' (other code)'}`
        : '-';
      rows.push([
        kind.model,
        v.version,
        status,
        v.version === active ? '*' : '',
        docs,
        lag === null ? '-' : String(lag),
        progress,
        code,
        v.configHash?.slice(0, 8) ?? '-',
        v.asOf ? `${v.asOf.until} (${v.asOf.time} time)` : '',
      ]);
    }
  }
  for (const line of table(rows)) m.cli.out(line);
  if (m.embedded) {
    m.cli.out(
      'embedded mode: documents live in the server process; it rebuilds every version from the log when it starts',
    );
  }
  return 0;
}

async function replay(m: ModelCli, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      config: { type: 'string' },
      from: { type: 'string' },
      until: { type: 'string' },
      time: { type: 'string' },
    },
  });
  const [model] = positionals;
  if (!model || !values.as) {
    throw AppError.validation('usage', `replay needs a model and --as <version>\n${MODELS_USAGE}`);
  }
  const kind = modelKind(model);
  if (values.time && !values.until) {
    throw AppError.validation('usage', '--time only means something with --until');
  }
  const time = (values.time ?? 'event') as TimeAxis;
  if (time !== 'event' && time !== 'ingest') {
    throw AppError.validation('usage', `--time ${String(values.time)}: expected event or ingest`);
  }
  const policy = values.config
    ? policyFromFile(kind, values.config)
    : m.policyOf(kind, await m.catalog.entry(kind.model, await activeOrV1(m, kind)));
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) return;
    process.stderr.write('\nstopping after the batch in hand (run the same command to resume)…\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const bar = new ProgressBar(process.stderr, `${kind.model} ${values.as}`);
  const started = Date.now();
  try {
    const result = await buildVersion(
      m.app,
      m.catalog,
      {
        kind,
        version: values.as,
        policy,
        until: values.until ? { at: parseInstant('--until', values.until), time } : undefined,
        from:
          values.from && values.from !== 'earliest'
            ? parseInstant('--from', values.from)
            : undefined,
      },
      { signal: controller.signal, onProgress: (p) => bar.update(p), now: new Date() },
    );
    bar.finish();
    const label = `${kind.model} ${values.as}`;
    if (result.state === 'already_built') {
      m.cli.out(`${label} is already built (${result.entry.status ?? 'live'}); nothing to do`);
      return 0;
    }
    const o = result.outcome;
    const seconds = (Date.now() - started) / 1000;
    if (result.state === 'stopped') {
      m.cli.out(
        `${label}: stopped at ${o.processed}/${o.total} events; run the same command to resume`,
      );
      return INTERRUPTED;
    }
    const docs = m.embedded
      ? ''
      : `, ${await m.cli.engines.store.count(collectionName(kind.model, values.as))} documents`;
    const active = await m.catalog.activeVersion(kind.model);
    const next =
      active && active !== values.as
        ? ` Compare: touchpoint diff ${kind.model} ${active} ${values.as}`
        : active
          ? ''
          : ` Serve it: touchpoint promote ${kind.model} ${values.as}`;
    m.cli.out(
      `${label}: built${result.resumed ? ' (resumed)' : ''} — ${o.folded} events folded in ${seconds.toFixed(1)} s${docs}; ` +
        (result.entry.status === 'frozen'
          ? `frozen as of ${result.entry.asOf?.until} (${result.entry.asOf?.time} time).`
          : 'now kept live by the projector.') +
        next,
    );
    if (m.embedded) {
      m.cli.out('embedded mode: the server rebuilds this version from the log when it starts');
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function activeOrV1(m: ModelCli, kind: ModelKind): Promise<string> {
  return (await m.catalog.activeVersion(kind.model)) || 'v1';
}

/** A MODELS_CONFIG-shaped file; the model's section is merged over its defaults. */
function policyFromFile(kind: ModelKind, path: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw AppError.validation('bad_config', `cannot read ${path}: ${(e as Error).message}`);
  }
  const section = (raw as Record<string, unknown> | null)?.[kind.model];
  if (section === undefined) {
    throw AppError.validation(
      'bad_config',
      `${path} has no "${kind.model}" section (same shape as MODELS_CONFIG: { "${kind.model}": { … } })`,
    );
  }
  const parsed = kind.parsePolicy(section);
  if (!parsed.ok) {
    throw AppError.validation(
      'bad_config',
      `${path}: ${parsed.errors.map((e) => `${kind.model}.${e}`).join('; ')}`,
    );
  }
  return parsed.policy;
}

async function diff(m: ModelCli, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { sample: { type: 'string', default: '200' }, 'as-of': { type: 'string' } },
  });
  const [model, a, b] = positionals;
  if (!model || !a || !b)
    throw AppError.validation('usage', `diff <model> <versionA> <versionB>\n${MODELS_USAGE}`);
  const kind = modelKind(model);
  const asOf = values['as-of'] ? parseInstant('--as-of', values['as-of']) : new Date();
  const sa = await m.materialise(kind, a);
  const sb = await m.materialise(kind, b);
  const d = await diffVersions(
    m.cli.engines.store,
    kind,
    { version: a, ...sa },
    { version: b, ...sb },
    { sample: Number(values.sample), asOf },
  );
  const out = m.cli.out;
  out(`${model}: ${a} vs ${b} (views as of ${asOf.toISOString()})`);
  out(
    `documents: ${a} ${d.a.documents}, ${b} ${d.b.documents}; only in ${a}: ${d.onlyInA}, only in ${b}: ${d.onlyInB}, in both: ${d.common}`,
  );
  out(
    d.a.digest === d.b.digest
      ? 'stored states: identical (any difference below comes from the policies applied when read)'
      : `content digests: ${a} ${d.a.digest.slice(0, 16)}, ${b} ${d.b.digest.slice(0, 16)}`,
  );
  out(`\nfield differences on a sample of ${d.sampled} documents in both:`);
  if (d.fields.length === 0) out('  none');
  for (const f of d.fields.slice(0, 30)) {
    out(
      `  ${f.path.padEnd(40)} ${String(f.differing).padStart(6)} differ  e.g. ${f.example.key}: ${short(f.example.a)} → ${short(f.example.b)}`,
    );
  }
  for (const dist of d.distributions) {
    out(`\n${dist.facet} distribution:`);
    for (const line of table([
      ['  VALUE', a, b, 'CHANGE'],
      ...dist.rows.map((r) => [`  ${r.value}`, String(r.a), String(r.b), signed(r.b - r.a)]),
    ]))
      out(line);
  }
  for (const s of d.summaries) {
    out(`\n${s.name}: ${s.gained.length} gained, ${s.lost.length} lost`);
    for (const g of s.gained) out(`  + ${g}`);
    for (const l of s.lost) out(`  - ${l}`);
  }
  return 0;
}

async function exportCommand(m: ModelCli, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      version: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'as-of': { type: 'string' },
    },
  });
  const [model] = positionals;
  const format = values.format;
  if (!model || (format !== 'jsonl' && format !== 'csv')) {
    throw AppError.validation('usage', `export <model> --format jsonl|csv\n${MODELS_USAGE}`);
  }
  const kind = modelKind(model);
  const version = values.version ?? (await m.catalog.activeCollection(model)).version;
  const asOf = values['as-of'] ? parseInstant('--as-of', values['as-of']) : new Date();
  const { collection, policy } = await m.materialise(kind, version);
  const rows = await exportViews(
    m.cli.engines.store,
    kind,
    collection,
    policy,
    asOf,
    format,
    values.out,
  );
  process.stderr.write(
    `exported ${rows} ${model} ${version} documents as ${format}${values.out ? ` to ${values.out}` : ''}\n`,
  );
  return 0;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function pct(a: number, b: number): string {
  return b > 0 ? `${((a / b) * 100).toFixed(1)}%` : '100%';
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

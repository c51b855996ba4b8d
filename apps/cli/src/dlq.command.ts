import { parseArgs } from 'node:util';
import { RuntimeConfig } from '@touchpoint/config';
import {
  HEADERS,
  encodeRecordedEvent,
  eventHeaders,
  partitionKey,
  topicNames,
  validateRecordedEvent,
} from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';
import type { LogRecord } from '@touchpoint/ports';
import type { CliContext } from './cli.context';

export const DLQ_USAGE = `touchpoint dlq <list|redrive>
  dlq list [--limit <n>]                       dead-lettered records, oldest first, one per original position
  dlq redrive --id <partition:offset> ... [--set <field.path>=<value> ...]   e.g. --set type=purchase.completed
                                               validate again (after --set fixes) and put back on the events topic`;

const REDRIVEN = 'dlq_redriven';

/** The dead-letter topic for operators (DESIGN §1: a DLQ they can inspect and re-drive). */
export async function dlqCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const topics = topicNames(ctx.config.get(RuntimeConfig).TOPIC_PREFIX);
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const { values } = parseArgs({
        args: [...rest],
        options: { limit: { type: 'string', default: '1000' } },
      });
      const records = await readDlq(ctx, topics.dlq, Number(values.limit));
      if (records.length === 0) {
        ctx.out(`the dead-letter topic ${topics.dlq} is empty`);
        return 0;
      }
      const redriven = await ctx.engines.store.getMany(
        REDRIVEN,
        records.map((r) => dlqId(r)),
      );
      ctx.out(
        [
          'ID'.padEnd(10),
          'FAILED AT'.padEnd(25),
          'CODE'.padEnd(22),
          'ORIGINAL'.padEnd(28),
          'STATE'.padEnd(9),
          'REASON / RECORD',
        ].join(' '),
      );
      for (const r of records) {
        const h = r.headers;
        const original = `${h[HEADERS.dlqOriginalTopic] ?? '?'}/${h[HEADERS.dlqOriginalPartition] ?? '?'}@${h[HEADERS.dlqOriginalOffset] ?? '?'}`;
        ctx.out(
          [
            dlqId(r).padEnd(10),
            (h[HEADERS.dlqFailedAt] ?? '').padEnd(25),
            (h[HEADERS.dlqErrorCode] ?? '').padEnd(22),
            original.padEnd(28),
            (redriven.has(dlqId(r)) ? 'redriven' : 'waiting').padEnd(9),
            h[HEADERS.dlqReason] ?? '',
          ].join(' '),
        );
        ctx.out(`${' '.repeat(11)}${preview(r.value)}`);
      }
      return 0;
    }
    case 'redrive': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          id: { type: 'string', multiple: true },
          set: { type: 'string', multiple: true },
        },
      });
      const ids = values.id ?? [];
      if (ids.length === 0)
        throw AppError.validation('usage', `dlq redrive needs --id\n${DLQ_USAGE}`);
      let failures = 0;
      for (const id of ids) {
        const outcome = await redriveOne(ctx, topics, id, values.set ?? []);
        ctx.out(outcome.message);
        if (!outcome.ok) failures++;
      }
      return failures === 0 ? 0 : 1;
    }
    case undefined:
    default:
      throw AppError.validation('usage', DLQ_USAGE);
  }
}

async function readDlq(ctx: CliContext, topic: string, limit: number): Promise<LogRecord[]> {
  const offsets = await ctx.engines.log.offsets(topic);
  const records = await ctx.engines.log.read(
    topic,
    offsets.map((o) => ({ partition: o.partition, fromOffset: o.low, maxRecords: limit })),
  );
  // A consumer that crashed after dead-lettering repeats the entry; one per original position.
  const seen = new Set<string>();
  return records
    .filter((r) => {
      const key = `${r.headers[HEADERS.dlqOriginalTopic]}/${r.headers[HEADERS.dlqOriginalPartition]}/${r.headers[HEADERS.dlqOriginalOffset]}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) =>
      (a.headers[HEADERS.dlqFailedAt] ?? '').localeCompare(b.headers[HEADERS.dlqFailedAt] ?? ''),
    )
    .slice(0, limit);
}

async function redriveOne(
  ctx: CliContext,
  topics: { events: string; dlq: string },
  id: string,
  sets: readonly string[],
): Promise<{ ok: boolean; message: string }> {
  const m = /^(\d+):(\d+)$/.exec(id);
  if (!m)
    return {
      ok: false,
      message: `${id}: not a DLQ id (expected <partition>:<offset>, see dlq list)`,
    };
  const [record] = await ctx.engines.log.read(topics.dlq, [
    { partition: Number(m[1]), fromOffset: m[2]!, maxRecords: 1 },
  ]);
  if (!record || record.offset !== m[2])
    return { ok: false, message: `${id}: no such record in ${topics.dlq}` };
  if (await ctx.engines.store.get(REDRIVEN, id))
    return { ok: false, message: `${id}: already redriven; nothing done` };
  let body: unknown;
  try {
    body = JSON.parse(record.value.toString('utf8'));
  } catch {
    return {
      ok: false,
      message: `${id}: the record is not JSON and cannot be repaired here; ask its producer to send it again`,
    };
  }
  for (const assignment of sets) {
    const applied = applySet(body, assignment);
    if (!applied.ok) return { ok: false, message: `${id}: ${applied.message}` };
  }
  const verdict = validateRecordedEvent(body);
  if (!verdict.ok) {
    const reasons = verdict.violations.map((v) => `${v.path}: ${v.message} (${v.code})`).join('; ');
    return { ok: false, message: `${id}: still invalid, not redriven: ${reasons}` };
  }
  const event = verdict.event;
  const [position] = await ctx.engines.log.append(topics.events, [
    {
      key: partitionKey(event),
      value: encodeRecordedEvent(event),
      headers: { ...eventHeaders(event), 'x-redriven-from': `${topics.dlq}/${id}` },
    },
  ]);
  await ctx.engines.store.writeVersioned(REDRIVEN, [
    {
      id,
      doc: { eventId: event.eventId, partition: position!.partition, offset: position!.offset },
      version: 1,
    },
  ]);
  return {
    ok: true,
    message: `${id}: redriven as ${event.type} ${event.eventId} → ${topics.events}/${position!.partition}@${position!.offset}`,
  };
}

function dlqId(r: LogRecord): string {
  return `${r.partition}:${r.offset}`;
}

function preview(value: Buffer): string {
  const text = value.toString('utf8').replace(/\s+/g, ' ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** `--set type=purchase.completed` or `--set payload.reason=goodwill` (dotted object paths); JSON values are parsed. */
function applySet(
  body: unknown,
  assignment: string,
): { ok: true } | { ok: false; message: string } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) return { ok: false, message: `--set ${assignment}: expected <field.path>=<value>` };
  const path = assignment.slice(0, eq).split('.');
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the value is the plain string.
  }
  let target = body as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    if (!next || typeof next !== 'object')
      return { ok: false, message: `--set ${assignment}: ${part} is not an object` };
    target = next as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = value;
  return { ok: true };
}

import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS, type RecordedEvent, decodeRecordedEvent } from '@touchpoint/contracts';
import { KafkaEventLog } from '@touchpoint/adapters';
import type { LogRecord } from '@touchpoint/ports';
import { runCli } from '../../apps/cli/src/cli';

/** A purchase by `customerId` built from the documented example, with a fresh event id. */
export function purchase(customerId: string, seq = 0): Record<string, unknown> {
  // JSON round trip rather than structuredClone: the latter yields objects of another realm under Jest.
  const example = JSON.parse(JSON.stringify(EXAMPLE_EVENTS['purchase.completed'])) as Record<
    string,
    unknown
  >;
  return {
    ...example,
    eventId: randomUUID(),
    customerId,
    channel: 'store',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString().replace('Z', '+00:00'),
    payload: { ...(example.payload as object), orderId: `O-${customerId}-${seq}` },
  };
}

/** Creates an API key through the CLI, as an operator would. */
export async function createKey(
  env: Record<string, string>,
  channel: string,
  types: string,
): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['keys', 'create', '--channel', channel, '--types', types], env, (l) =>
    out.push(l),
  );
  if (code !== 0) throw new Error(`keys create exited ${code}`);
  return out[0]!;
}

export async function cli(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runCli(args, env, (l) => out.push(l));
  return { code, out: out.join('\n') };
}

export function post(
  url: string,
  key: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { 'x-api-key': key } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Everything in a topic right now, decoded where possible. */
export async function readTopic(
  brokers: string,
  topic: string,
): Promise<{ record: LogRecord; event?: RecordedEvent }[]> {
  const log = new KafkaEventLog({
    brokers: brokers.split(','),
    clientId: 'test-reader',
    connectTimeoutMs: 10000,
  });
  await log.connect();
  try {
    const offsets = await log.offsets(topic);
    const records = await log.read(
      topic,
      offsets.map((o) => ({ partition: o.partition, fromOffset: o.low, maxRecords: 1_000_000 })),
    );
    return records.map((record) => {
      const verdict = decodeRecordedEvent(record.value);
      return { record, event: verdict.ok ? verdict.event : undefined };
    });
  } finally {
    await log.close();
  }
}

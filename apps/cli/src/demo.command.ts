import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RuntimeConfig } from '@touchpoint/config';
import { AppError } from '@touchpoint/core';
import { apiKeyRepositoryFor, newApiKey } from '@touchpoint/ingest';
import { DEMO_GUIDE, DEMO_PEOPLE, type StoryEvent, demoPlan } from '@touchpoint/scenarios';
import type { CliContext } from './cli.context';
import { tokensCommand } from './tokens.command';

export const DEMO_USAGE = `touchpoint demo [--url http://localhost:3000] [--now <ISO>] [--resolve]
  publishes the SCENARIOS.md customer stories to a running server through its ingest API (the
  channel keys it needs are created like 'keys create' does), dated relative to --now (default:
  the current time), then prints an agent token and the customers to look at. Event ids are fixed
  per story, so running it again changes nothing. --resolve sends the resolution of Wang's
  complaint K-5512 (and his CSAT answer), left open so that the console shows it resolve live.`;

/** Not secret: it only makes the demo's event ids the same on every run and every machine. */
const DEMO_NAMESPACE = 'touchpoint-demo/1';

/** A name-based (version 5 style) UUID: the same story label gives the same event id. */
export function demoEventId(label: string): string {
  const b = createHash('sha1').update(`${DEMO_NAMESPACE}\n${label}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Tally {
  accepted: number;
  duplicates: number;
}

/** Consecutive events of one channel, so a story keeps its order across channels. */
function channelRuns(events: readonly StoryEvent[]): { channel: string; events: StoryEvent[] }[] {
  const runs: { channel: string; events: StoryEvent[] }[] = [];
  for (const e of events) {
    const channel = String(e.channel);
    const last = runs[runs.length - 1];
    if (last?.channel === channel) last.events.push(e);
    else runs.push({ channel, events: [e] });
  }
  return runs;
}

async function reach(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw AppError.unavailable(
      'server_not_running',
      `no Touchpoint server answers at ${new URL(url).origin}: start it with 'npm start' in another terminal (or pass --url)`,
    );
  }
}

export async function demoCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const runtime = ctx.config.get(RuntimeConfig);
  const { values } = parseArgs({
    args: [...args],
    options: {
      url: { type: 'string', default: `http://localhost:${runtime.PORT}` },
      now: { type: 'string' },
      resolve: { type: 'boolean', default: false },
    },
  });
  const base = values.url.replace(/\/+$/, '');
  if (!URL.canParse(base)) throw AppError.validation('usage', `--url: not a URL\n${DEMO_USAGE}`);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) {
    throw AppError.validation('usage', `--now must be an ISO 8601 time\n${DEMO_USAGE}`);
  }
  const health = await reach(`${base}/health`);
  if (!health.ok) {
    throw AppError.unavailable(
      'server_not_ready',
      `${base}/health answered ${health.status}: is the server still starting?`,
    );
  }

  const plan = demoPlan(now, demoEventId);
  const steps = values.resolve
    ? [
        {
          title: 'Story 3: the complaint desk resolves K-5512; Wang answers CSAT 5',
          events: plan.resolution,
        },
      ]
    : plan.steps;
  const repo = apiKeyRepositoryFor(ctx.engines.store, runtime.DATA_DIR);
  const keys = new Map<string, string>();
  const keyFor = async (channel: string): Promise<string> => {
    const known = keys.get(channel);
    if (known) return known;
    const { record, key } = newApiKey({
      channel,
      types: ['*'],
      source: 'touchpoint-demo',
      random: { id: randomBytes(8), secret: randomBytes(32) },
      now: new Date(),
    });
    await repo.save(record);
    keys.set(channel, key);
    return key;
  };

  ctx.out(`Publishing the customer stories to ${base} (dated relative to ${now.toISOString()}):`);
  for (const step of steps) {
    const tally: Tally = { accepted: 0, duplicates: 0 };
    for (const run of channelRuns(step.events)) {
      const res = await reach(`${base}/v1/events/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': await keyFor(run.channel) },
        body: JSON.stringify(run.events),
      });
      const body = await res.text();
      if (res.status !== 202) {
        throw new AppError(
          'demo_rejected',
          'internal',
          `ingest answered ${res.status} to ${run.events.length} ${run.channel} events of "${step.title}": ${body}`,
        );
      }
      const answer = JSON.parse(body) as Tally;
      tally.accepted += answer.accepted;
      tally.duplicates += answer.duplicates;
    }
    ctx.out(`  ${step.title}: ${tally.accepted} accepted, ${tally.duplicates} duplicates`);
  }

  const token: string[] = [];
  tokensCommand(
    ctx.config,
    ['create', '--role', 'supervisor', '--pii', '--sub', 'demo-supervisor', '--ttl', '8h'],
    (l) => token.push(l),
  );
  if (values.resolve) {
    ctx.out(
      `Done: Wang's card (c-1088) shows the complaint resolved, 500 goodwill points and CSAT 5.`,
    );
    return 0;
  }
  const again = values.url === `http://localhost:${runtime.PORT}` ? '' : ` --url ${base}`;
  ctx.out(
    [
      '',
      `Open ${base} and paste this agent token (supervisor, sees personal data, valid 8 hours):`,
      '',
      token[0] ?? '',
      '',
      'Then search for (or open the card directly):',
      ...DEMO_GUIDE.map(
        (g) =>
          `  ${(g.search ?? '').padEnd(19)} ${g.shows}\n  ${''.padEnd(19)} ${base}/customers/${g.customerId}`,
      ),
      '',
      `With Wang's card open, resolve his complaint and watch it update:  npx touchpoint demo --resolve${again}`,
      `The agent API:  curl -s ${base}/v1/customers/${DEMO_PEOPLE.wang}/next-best-action -H "authorization: Bearer ${token[0] ?? ''}"`,
    ].join('\n'),
  );
  return 0;
}

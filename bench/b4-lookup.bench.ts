import { createHmac, randomBytes } from 'node:crypto';
import { type BenchContext, Unavailable } from './context';
import { kafkaClient } from './engines';
import { drainRate, projectorGroups, startProjector } from './b1-projector.bench';
import { prepareTopic, take } from './projector-topic';
import { histogramTotals, seriesSum, storeCallsBetween } from './metrics';
import { type Figure, num } from './report';
import { appendEvents, freePort, percentile, sleep, spawnApp, waitHealthy } from './support';
import { benchWorkload } from './workload';

const RATE = 500;
const MAX_OUTSTANDING = 200;

/** An HS256 JWT with the claims of AGENT-API-CONTRACT.md (signed here: no dependency needed). */
export function agentToken(secret: string, now = Date.now()): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(now / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', role: 'agent', pii: true, iat, exp: iat + 3600 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The agent API (dist/apps/query) in its own process, with a bearer token it accepts. */
export async function startQueryApi(
  ctx: BenchContext,
  env: Record<string, string>,
  name: string,
): Promise<{ base: string; token: string; stop: () => Promise<void> }> {
  const secret = randomBytes(32).toString('hex');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const query = spawnApp(
    'dist/apps/query/src/main.js',
    { ...env, PORT: String(port), AUTH_JWT_SECRET: secret },
    { profile: ctx.options.profile, name },
  );
  try {
    await waitHealthy(base, query);
  } catch (e) {
    await query.stop();
    throw e;
  }
  return { base, token: agentToken(secret), stop: () => query.stop() };
}

interface Phase {
  readonly p50: number;
  readonly p99: number;
  readonly sent: number;
  readonly errors: number;
  /** Answers other than 200, by status. */
  readonly statuses: Record<string, number>;
  readonly skipped: number;
}

/** Open loop: RATE requests/s whatever the answers, at most MAX_OUTSTANDING waiting. */
async function load(
  paths: readonly string[],
  base: string,
  token: string,
  seconds: number,
): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  const statuses: Record<string, number> = {};
  let skipped = 0;
  let outstanding = 0;
  let sent = 0;
  const inflight: Promise<void>[] = [];
  const began = Date.now();
  while (Date.now() - began < seconds * 1000) {
    const due = Math.floor(((Date.now() - began) / 1000) * RATE) - sent - skipped;
    for (let i = 0; i < due; i++) {
      if (outstanding >= MAX_OUTSTANDING) {
        skipped++;
        continue;
      }
      const path = paths[(sent + skipped) % paths.length]!;
      sent++;
      outstanding++;
      const t0 = performance.now();
      inflight.push(
        fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status === 200) latencies.push(performance.now() - t0);
            else {
              errors++;
              statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            }
          })
          .catch(() => {
            errors++;
            statuses.network = (statuses.network ?? 0) + 1;
          })
          .finally(() => void outstanding--),
      );
    }
    await sleep(5);
  }
  await Promise.all(inflight);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    sent,
    errors,
    statuses,
    skipped,
  };
}

interface CacheCounts {
  readonly hits: number;
  readonly misses: number;
}

/** The query process's cache counters (all models); NaN when the build has no cache. */
async function cacheCounts(base: string): Promise<CacheCounts> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return {
    hits: seriesSum(text, 'touchpoint_query_cache_hits_total'),
    misses: seriesSum(text, 'touchpoint_query_cache_misses_total'),
  };
}

/** Mean server-side time per request by route between two /metrics snapshots, as text. */
function serverTime(before: string, after: string): string {
  const name = 'touchpoint_http_request_duration_seconds';
  const start = histogramTotals(before, name);
  const rows: string[] = [];
  for (const [labels, end] of histogramTotals(after, name)) {
    const from = start.get(labels) ?? { count: 0, seconds: 0 };
    const count = end.count - from.count;
    if (count <= 0) continue;
    const route = /route="([^"]*)"/.exec(labels)?.[1] ?? '?';
    const status = /status="([^"]*)"/.exec(labels)?.[1] ?? '?';
    rows.push(
      `${route} ${status} ${num(count)} requests, ${num((1000 * (end.seconds - from.seconds)) / count, 2)} ms each`,
    );
  }
  return rows.length > 0
    ? `time from receipt to response ${rows.join('; ')}`
    : 'no requests recorded';
}

/** Share of the phase's cache look-ups served without the store, as text. */
function hitRatio(before: CacheCounts, after: CacheCounts): string {
  const hits = after.hits - (Number.isNaN(before.hits) ? 0 : before.hits);
  const misses = after.misses - (Number.isNaN(before.misses) ? 0 : before.misses);
  if (Number.isNaN(hits) || Number.isNaN(misses)) return 'no query cache in this build';
  if (hits + misses === 0) return 'no cache look-ups';
  return `${num((100 * hits) / (hits + misses), 1)} % (${num(hits)} hits, ${num(misses)} misses)`;
}

/**
 * B4: agent lookups by id and by e-mail through the agent API (apps/query, its own process) at
 * 500 requests/s, first idle, then while events arrive at half of B1's rate and the projector
 * folds them. Requires the agent API of AGENT-API-CONTRACT.md in this build.
 */
export async function benchLookup(ctx: BenchContext): Promise<Figure> {
  const prepared = await prepareTopic(ctx, 'b4', Math.max(500, ctx.sizes.warmEvents));
  const brokers = prepared.env.KAFKA_BROKERS!;
  const admin = kafkaClient(brokers, 'touchpoint-bench-b4').admin();
  await admin.connect();
  const projector = await startProjector(ctx, prepared.env, 'b4-projector');
  const query = await startQueryApi(ctx, prepared.env, 'b4-query').catch(async (e: unknown) => {
    await projector.stop();
    await admin.disconnect();
    await prepared.dispose();
    throw e;
  });
  const { base, token } = query;
  try {
    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    if (me.status !== 200)
      throw new Unavailable(`this build has no agent API (GET /v1/me answered ${me.status})`);
    const warm = await drainRate(
      ctx,
      admin,
      prepared.topic,
      projectorGroups(prepared.prefix),
      prepared.events,
    );
    // Same seeded stream as the topic: the registered customers and their e-mail addresses.
    const paths: string[] = [];
    for (const e of take(benchWorkload(prepared.workload), prepared.events)) {
      if (e.type !== 'customer.registered' || !e.customerId || !e.payload.email) continue;
      paths.push(`/v1/customers/${encodeURIComponent(e.customerId)}`);
      paths.push(`/v1/customers?email=${encodeURIComponent(e.payload.email)}`);
    }
    const seconds = ctx.options.quick ? 5 : 30;
    ctx.log(`B4: ${RATE} lookups/s for ${seconds} s, idle`);
    const metricsText = async () => (await fetch(`${base}/metrics`)).text();
    const beforeIdle = await cacheCounts(base);
    const idleMetrics = { before: await metricsText(), began: Date.now() };
    const idle = await load(paths, base, token, seconds);
    const afterIdle = await cacheCounts(base);
    const busyMetrics = { before: await metricsText(), began: Date.now() };
    const idleSeconds = (busyMetrics.began - idleMetrics.began) / 1000;
    const rate = Math.max(1, Math.round((ctx.projector?.sustainedRate ?? warm.rate) / 2));
    ctx.log(`B4: ${RATE} lookups/s for ${seconds} s while ${num(rate)} events/s arrive`);
    let ingesting = true;
    const producer = (async () => {
      let sent = 0;
      const began = Date.now();
      while (ingesting) {
        const due = Math.floor(((Date.now() - began) / 1000) * rate) - sent;
        if (due > 0)
          sent += (await appendEvents(prepared.log, prepared.topic, take(prepared.more, due)))
            .count;
        await sleep(50);
      }
    })();
    const busy = await load(paths, base, token, seconds);
    ingesting = false;
    await producer;
    const afterBusy = await cacheCounts(base);
    const afterBusyMetrics = await metricsText();
    const busySeconds = (Date.now() - busyMetrics.began) / 1000;
    const inside = (before: string, after: string, phaseSeconds: number) => {
      const cpu =
        seriesSum(after, 'touchpoint_process_cpu_seconds_total') -
        seriesSum(before, 'touchpoint_process_cpu_seconds_total');
      return `CPU ${Math.round((100 * cpu) / phaseSeconds)} % of one core; ${serverTime(before, after)}; store ${storeCallsBetween(before, after, phaseSeconds)}`;
    };
    const ratios = { idle: hitRatio(beforeIdle, afterIdle), busy: hitRatio(afterIdle, afterBusy) };
    ctx.log(`B4: cache hit ratio idle ${ratios.idle}, during ingest ${ratios.busy}`);
    return {
      id: 'B4',
      figure: `during ingest p50 ${num(busy.p50, 1)} ms, p99 ${num(busy.p99, 1)} ms; cache hit ratio ${ratios.busy}`,
      baseline: `idle p50 ${num(idle.p50, 1)} ms, p99 ${num(idle.p99, 1)} ms`,
      versus: `p99 ${num(busy.p99, 1)} ms`,
      met: busy.p99 <= 20 && busy.errors === 0,
      notes: [
        `${RATE} requests/s open loop for ${seconds} s per phase, alternating GET /v1/customers/{id} and GET /v1/customers?email=… over ${num(paths.length / 2)} customers, bearer JWT (role agent, pii), one query process (dist/apps/query).`,
        `During ingest: ${num(rate)} events/s appended to Kafka (half of ${ctx.projector ? 'B1’s sustained rate' : 'the warm-up drain rate'}) while the projector folds them.`,
        `Query cache (customer reads of every model, and exact searches: a search counts one look-up per cached part): hit ratio idle ${ratios.idle}, during ingest ${ratios.busy}.`,
        `Inside the query process (its /metrics), idle: ${inside(idleMetrics.before, busyMetrics.before, idleSeconds)}. During ingest: ${inside(busyMetrics.before, afterBusyMetrics, busySeconds)}.`,
        `Requests sent idle ${num(idle.sent)} (errors ${idle.errors} ${JSON.stringify(idle.statuses)}, not sent because ${MAX_OUTSTANDING} were waiting: ${idle.skipped}); during ingest ${num(busy.sent)} (errors ${busy.errors} ${JSON.stringify(busy.statuses)}, not sent ${busy.skipped}).`,
      ],
      measuredAt: ctx.date,
      quick: ctx.options.quick,
    };
  } finally {
    await query.stop();
    await projector.stop();
    await admin.disconnect();
    await prepared.dispose();
  }
}

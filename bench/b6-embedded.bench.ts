import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventLog } from '@touchpoint/adapters';
import { RuntimeConfig, loadConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import { platformTopics } from '@touchpoint/platform';
import type { BenchContext } from './context';
import { peakRss } from './machine';
import { MODELS, batchProfile } from './b1-projector.bench';
import { type Figure, num } from './report';
import { appendEvents, freePort, spawnApp, waitHealthy, watch } from './support';
import { benchWorkload } from './workload';

/** Events each model has folded, from the app's own Prometheus counter. */
async function foldedByAll(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = MODELS.map((model) => {
    const m = new RegExp(
      `^touchpoint_projection_events_total\\{[^}]*model="${model}"[^}]*\\} (\\d+)`,
      'm',
    ).exec(text);
    return m ? Number(m[1]) : 0;
  });
  return Math.min(...counts);
}

/** Milliseconds between the first and the last change notice the app appended (one per written batch). */
function noticeSpan(dir: string): number {
  let first = Infinity;
  let last = -Infinity;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const t = (JSON.parse(line) as { t: number }).t;
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
  }
  if (!(last > first)) throw new Error(`B6: no change notices in ${dir}`);
  return last - first;
}

/**
 * B6: the all-in-one process (`npm start`, embedded log and store) folding a prepared log
 * through the three models. The log is written first; the app re-reads it on start, as it
 * does after every restart, and the rate runs from its first folded batch to the last.
 */
export async function benchEmbedded(ctx: BenchContext): Promise<Figure> {
  const events = ctx.sizes.b6Events;
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-b6-'));
  const env = {
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    TOPIC_PREFIX: 'bench',
    KAFKA_TOPIC_PARTITIONS: '12',
  };
  try {
    const runtime = loadConfig([RuntimeConfig], env).get(RuntimeConfig);
    const log = new EmbeddedEventLog(dir);
    await log.connect();
    await log.ensureTopics(platformTopics(runtime));
    ctx.log(`B6: writing ${num(events)} events to the embedded log in ${dir}`);
    const written = await appendEvents(
      log,
      topicNames('bench').events,
      benchWorkload(ctx.workload(events, 'b6')),
      5000,
    );
    await log.close();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = spawnApp(
      'dist/apps/touchpoint/src/main.js',
      { ...env, PORT: String(port) },
      { profile: ctx.options.profile, name: 'b6-touchpoint' },
    );
    try {
      // The embedded app listens only once its groups have re-read the log (the start-up
      // gate), so the fold itself may happen before /health answers.
      const timeoutMs = ctx.options.quick ? 60_000 : 300_000;
      await waitHealthy(url, app, timeoutMs);
      const samples = await watch(() => foldedByAll(url), events, {
        timeoutMs,
        intervalMs: 100,
      });
      const done = samples[samples.length - 1]?.done ?? 0;
      const peak = peakRss(app.process.pid!);
      if (done < events) throw new Error(`B6: only ${done} of ${events} events folded in time`);
      const folds = await batchProfile(url);
      const span = noticeSpan(join(dir, 'log', topicNames('bench').changes));
      const seconds = span / 1000;
      const rate = events / seconds;
      return {
        id: 'B6',
        figure: `${num(rate)} events/s; peak RSS ${peak ? num(peak / 2 ** 20) + ' MiB' : 'unknown'}`,
        baseline: '—',
        versus: `${num(rate)} events/s`,
        met: rate >= 100_000,
        notes: [
          `${num(events)} events (${num(written.bytes / events)} bytes each on average), all three models, one process (dist/apps/touchpoint) re-reading its embedded log on start; timed from the first change notice appended to the last (${num(seconds, 2)} s), so start-up and reading the log file are excluded.`,
          'Peak RSS (VmHWM) includes the whole log held in memory by the embedded log adapter.',
          `Folds (the app's /metrics): ${folds}.`,
        ],
        measuredAt: ctx.date,
        quick: ctx.options.quick,
      };
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

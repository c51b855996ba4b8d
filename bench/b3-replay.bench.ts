import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type BenchContext, Unavailable } from './context';
import { kafkaClient } from './engines';
import { MODELS, drainRate, projectorGroups, startProjector } from './b1-projector.bench';
import { prepareTopic } from './projector-topic';
import { type Figure, num } from './report';
import { ROOT } from './support';

const CLI = 'dist/apps/cli/src/main.js';

/** Runs the touchpoint CLI to completion; rejects with its output when it fails. */
function cli(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, CLI), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`touchpoint ${args.join(' ')} exited ${code}: ${out.slice(-1500)}`)),
    );
  });
}

/**
 * B3: the analysts' replay (`touchpoint replay <model> --as v2`, DESIGN §1) of a topic the live
 * projector has already folded into v1: the three models replayed at once, timed to the end of
 * the last; then `touchpoint diff <model> v1 v2` must report identical stored states.
 */
export async function benchReplay(ctx: BenchContext): Promise<Figure> {
  const events = ctx.sizes.b3Events;
  const usage = await cli(['help'], { PATH: process.env.PATH ?? '' }).catch(
    (e: Error) => e.message,
  );
  if (!/replay <model>/.test(usage))
    throw new Unavailable('this build has no `touchpoint replay` command');
  ctx.log(`B3: writing ${num(events)} events to Kafka`);
  const prepared = await prepareTopic(ctx, 'b3', events);
  const admin = kafkaClient(prepared.env.KAFKA_BROKERS!, 'touchpoint-bench-b3').admin();
  await admin.connect();
  try {
    ctx.log('B3: live projector folding v1');
    const live = await startProjector(ctx, prepared.env, 'b3-projector');
    let liveRate;
    try {
      liveRate = await drainRate(
        ctx,
        admin,
        prepared.topic,
        projectorGroups(prepared.prefix),
        events,
      );
    } finally {
      await live.stop();
    }
    ctx.log('B3: replaying the three models into v2');
    const began = Date.now();
    await Promise.all(MODELS.map((m) => cli(['replay', m, '--as', 'v2'], prepared.env)));
    const seconds = (Date.now() - began) / 1000;
    const rate = events / seconds;
    const verdicts = await Promise.all(
      MODELS.map(
        async (m) =>
          [
            m,
            /^(?:content|stored states): identical/m.test(
              await cli(['diff', m, 'v1', 'v2'], prepared.env),
            ),
          ] as const,
      ),
    );
    const equal = verdicts.every(([, same]) => same);
    // Judged against the stricter of B1's sustained rate and the live drain of this very topic:
    // B1 is what the goal names, the drain is what a replay competes with.
    const b1 = ctx.projector?.sustainedRate;
    const references = [
      ...(b1 !== undefined ? [{ name: 'B1', label: 'B1 sustained', rate: b1 }] : []),
      { name: 'live drain', label: 'live drain of the same topic', rate: liveRate.rate },
    ];
    const ratios = references.map((r) => ({ ...r, ratio: rate / r.rate }));
    return {
      id: 'B3',
      figure: `${num(rate)} events/s replayed; v2 ${equal ? 'hash-equal to' : 'DIFFERENT from'} live v1`,
      baseline: references.map((r) => `${r.label} ${num(r.rate)} events/s`).join('; '),
      versus: ratios.map((r) => `${r.ratio.toFixed(2)} × ${r.name}`).join('; '),
      met: equal && ratios.every((r) => r.ratio >= 1.5),
      notes: [
        `${num(events)} events (${num(prepared.customers)} customers, ${prepared.env.KAFKA_TOPIC_PARTITIONS} partitions), first folded into v1 by the live projector (${num(liveRate.rate)} events/s); then the three models replayed at once by three \`touchpoint replay <model> --as v2\` processes, ${num(seconds, 1)} s to the end of the last.`,
        `Equality: \`touchpoint diff <model> v1 v2\` per model: ${verdicts.map(([m, same]) => `${m} ${same ? 'identical' : 'differs'}`).join(', ')}.`,
      ],
      measuredAt: ctx.date,
      quick: ctx.options.quick,
    };
  } finally {
    await admin.disconnect();
    await prepared.dispose();
  }
}

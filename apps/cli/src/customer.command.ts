import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  StreamArchiver,
  compareCustomerDocuments,
  readCustomerHistory,
  replayLogInto,
} from '@touchpoint/archiver';
import { ArchiverConfig, ProjectorConfig, RuntimeConfig } from '@touchpoint/config';
import { topicNames } from '@touchpoint/contracts';
import { AppError, isAppError } from '@touchpoint/core';
import { connectEngines } from '@touchpoint/platform';
import { liveModels } from '@touchpoint/projector';
import { loadModelPolicies } from '@touchpoint/read-models';
import type { CliContext } from './cli.context';

export const CUSTOMER_USAGE = `touchpoint export-customer <customerId> [--out <file>]
  every event of one customer as JSON lines, oldest first (its stream, the visitor streams its
  identifications link and the customers merged into it); stdout unless --out
touchpoint rebuild-customer <customerId> [--repair]
  recompute the customer's documents in every model from the event store alone and report any
  difference from the live documents (exit 1 when some differ); --repair writes the recomputed
  documents over those that differ (not crosssell, whose store-wide aggregates a single customer's
  repair would leave wrong: replay that model instead)`;

/**
 * The event store to read from. The embedded one lives in the memory of the process that runs
 * the archiver, so here it is rebuilt from the log first, exactly as that process does on start.
 */
async function eventStoreReady(ctx: CliContext): Promise<void> {
  const runtime = ctx.config.get(RuntimeConfig);
  if (ctx.engines.eventStore.kind === 'eventstoredb') {
    await connectEngines(ctx.engines, runtime, ['eventStore']);
    return;
  }
  await connectEngines(ctx.engines, runtime, ['log', 'eventStore']);
  const settings = ctx.config.get(ArchiverConfig);
  const archiver = new StreamArchiver(ctx.engines.eventStore, {
    maxAppendBytes: settings.ARCHIVER_MAX_APPEND_BYTES,
    cachedStreams: settings.ARCHIVER_CACHED_STREAMS,
    concurrency: 8,
  });
  await replayLogInto(archiver, ctx.engines.log, topicNames(runtime.TOPIC_PREFIX).events);
}

function customerIdOf(args: readonly string[], command: string) {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options:
      command === 'rebuild-customer'
        ? { repair: { type: 'boolean' } }
        : { out: { type: 'string' } },
  });
  const [customerId] = positionals;
  if (!customerId || positionals.length > 1) {
    throw AppError.validation('usage', `${command} needs one customer id\n${CUSTOMER_USAGE}`);
  }
  return {
    customerId,
    out: typeof values.out === 'string' ? values.out : undefined,
    repair: values.repair === true,
  };
}

/** Subject-access export (DESIGN §2: per-customer export). */
export async function exportCustomerCommand(
  ctx: CliContext,
  args: readonly string[],
): Promise<number> {
  const { customerId, out } = customerIdOf(args, 'export-customer');
  await eventStoreReady(ctx);
  const history = await readCustomerHistory(ctx.engines.eventStore, customerId);
  const lines = history.events.map((e) => JSON.stringify(e.event));
  const summary = `exported ${lines.length} events of customer ${customerId} from ${history.streams.join(', ')}`;
  if (out === undefined) {
    for (const line of lines) ctx.out(line);
    process.stderr.write(`${summary}\n`);
    return 0;
  }
  const file = createWriteStream(out, { encoding: 'utf8' });
  for (const line of lines) {
    if (!file.write(`${line}\n`)) await once(file, 'drain');
  }
  file.end();
  await once(file, 'finish');
  ctx.out(`${summary} to ${out}`);
  return 0;
}

export async function rebuildCustomerCommand(
  ctx: CliContext,
  args: readonly string[],
): Promise<number> {
  const { customerId, repair } = customerIdOf(args, 'rebuild-customer');
  if (ctx.engines.store.kind === 'embedded') {
    throw AppError.validation(
      'no_live_documents',
      'rebuild-customer compares with the live documents, and the embedded read-model store keeps none between runs: set MONGO_URL',
    );
  }
  await connectEngines(ctx.engines, ctx.config.get(RuntimeConfig), ['store']);
  await eventStoreReady(ctx);
  const models = liveModels(loadModelPolicies(ctx.config.get(ProjectorConfig).MODELS_CONFIG));
  const history = await readCustomerHistory(ctx.engines.eventStore, customerId);
  let results = await compareCustomerDocuments(history, models, ctx.engines.store);
  ctx.out(
    `customer ${customerId}: ${history.events.length} events from ${history.streams.join(', ')}`,
  );
  const report = () => {
    for (const r of results) {
      const detail = r.differences.length > 0 ? `  at ${r.differences.join(', ')}` : '';
      ctx.out(`${r.collection.padEnd(18)} ${r.key.padEnd(40)} ${r.verdict}${detail}`);
    }
  };
  report();
  if (repair && results.some((r) => r.verdict === 'different' || r.verdict === 'missing_live')) {
    const runners = new Map(models.map((m) => [m.collection, m.runner(ctx.engines.store)]));
    for (const r of results) {
      const runner = runners.get(r.collection);
      if (!runner || !r.recomputed || (r.verdict !== 'different' && r.verdict !== 'missing_live'))
        continue;
      const { state, covered, newestEventTime } = r.recomputed;
      try {
        await runner.repair(r.key, state, covered, newestEventTime);
        ctx.out(`${r.collection.padEnd(18)} ${r.key.padEnd(40)} repaired`);
      } catch (e) {
        if (!isAppError(e)) throw e;
        ctx.out(`${r.collection.padEnd(18)} ${r.key.padEnd(40)} not repaired: ${e.message}`);
      }
    }
    ctx.out('after the repair:');
    results = await compareCustomerDocuments(history, models, ctx.engines.store);
    report();
  }
  const differing = results.filter((r) => r.verdict !== 'same').length;
  ctx.out(
    `${results.length} documents compared: ${results.length - differing} same, ${differing} differ`,
  );
  return differing === 0 ? 0 : 1;
}

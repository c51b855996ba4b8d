import type { BenchContext } from './context';
import { kafkaClient } from './engines';
import { drainRate, projectorGroups, startProjector } from './b1-projector.bench';
import { prepareTopic } from './projector-topic';
import { type Figure, num } from './report';
import { committed, rateOf, spawnApp, watch } from './support';

/**
 * B7: ours against the straightforward NestJS peer (bench/peer), on the same topic and store.
 * Ours is our projector's drain of the same topic, measured here.
 * The peer is slow by design, so it runs for a fixed window and its rate is what it committed.
 */
export async function benchPeer(ctx: BenchContext): Promise<Figure> {
  const events = ctx.sizes.warmEvents;
  const prepared = await prepareTopic(ctx, 'b7', events);
  const brokers = prepared.env.KAFKA_BROKERS!;
  const admin = kafkaClient(brokers, 'touchpoint-bench-b7').admin();
  await admin.connect();
  try {
    // B1 drains a stationary population of long histories, not this workload: ours is measured
    // on the very topic the peer reads.
    ctx.log(`B7: draining ${num(events)} events with our projector`);
    const projector = await startProjector(ctx, prepared.env, 'b7-projector');
    let ours;
    try {
      ours = (await drainRate(ctx, admin, prepared.topic, projectorGroups(prepared.prefix), events))
        .rate;
    } finally {
      await projector.stop();
    }
    const oursNote = `ours: our projector draining the same ${num(events)} events in this benchmark.`;
    const group = `${prepared.prefix}.peer`;
    ctx.log(`B7: the NestJS peer folding for up to ${ctx.sizes.b7WindowSeconds} s`);
    const peer = spawnApp(
      'dist/bench/peer/peer.main.js',
      {
        PEER_TOPIC: prepared.topic,
        PEER_BROKERS: brokers,
        PEER_MONGO_URL: prepared.env.MONGO_URL!,
        PEER_DB: `${prepared.env.MONGO_DB}_peer`,
        PEER_GROUP: group,
      },
      { profile: ctx.options.profile, name: 'b7-peer' },
    );
    let peerRate;
    try {
      // Start the window at the peer's first commit, so its start-up and group join are excluded.
      const first = await watch(() => committed(admin, prepared.topic, [group]), 1, {
        timeoutMs: 120_000,
      });
      const window = await watch(() => committed(admin, prepared.topic, [group]), events, {
        timeoutMs: ctx.sizes.b7WindowSeconds * 1000,
        intervalMs: 500,
      });
      peerRate = rateOf([...first.slice(-2), ...window]);
    } finally {
      await peer.stop();
    }
    if (peerRate.done === 0) throw new Error('B7: the peer committed nothing');
    const ratio = ours / peerRate.rate;
    return {
      id: 'B7',
      figure: `ours ${num(ours)} events/s`,
      baseline: `NestJS peer ${num(peerRate.rate)} events/s`,
      versus: `${ratio.toFixed(1)}×`,
      met: ratio >= 5,
      notes: [
        oursNote,
        `peer: @nestjs/microservices Kafka transport (kafkajs underneath), @EventPattern handler called once per message, validation of each message, then for each model and document key one findOne and one updateOne upsert, folding with the same pure projections; ${num(peerRate.done)} events committed in ${num(peerRate.seconds, 1)} s.`,
      ],
      measuredAt: ctx.date,
      quick: ctx.options.quick,
    };
  } finally {
    await admin.disconnect();
    await prepared.dispose();
  }
}

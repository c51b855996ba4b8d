import { createKey, post } from './ingest-client';

type Event = Record<string, unknown>;

/** Publishes events through the ingest API with one key per channel, as the channels would. */
export async function publishThroughIngest(
  baseUrl: string,
  env: Record<string, string>,
  events: readonly Event[],
  keys: Map<string, string> = new Map(),
): Promise<void> {
  const byChannel = new Map<string, Event[]>();
  for (const e of events) {
    const channel = String(e.channel);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), e]);
  }
  for (const [channel, batch] of byChannel) {
    const key = keys.get(channel) ?? (await createKey(env, channel, '*'));
    keys.set(channel, key);
    const res = await post(`${baseUrl}/v1/events/batch`, key, batch);
    if (res.status !== 202) {
      throw new Error(`ingest answered ${res.status} for ${channel}: ${await res.text()}`);
    }
  }
}

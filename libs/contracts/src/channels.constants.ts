/** Closed on purpose: read models keep per-channel counters, so a new channel is a contract change. */
export const CHANNELS = [
  'web',
  'mobile_app',
  'store',
  'call_centre',
  'email',
  'chat',
  'social',
  'partner',
] as const;

export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

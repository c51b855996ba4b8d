import type { Freshness } from '../read/freshness';

/** Every answer of the agent API: the data and how current it is (docs/agent-api.md). */
export interface Envelope<T> {
  readonly data: T;
  readonly freshness: Freshness | readonly Freshness[];
  readonly page?: { readonly next: string | null };
}

import { post } from '@touchpoint/testing';

export type Order = Record<string, unknown> & { eventId: string; customerId: string };

/**
 * A channel sending batches to ingest as a careful client does: what was answered `accepted` or
 * `duplicate` is acknowledged; everything else (an error answer, or none because the process
 * died under the request) stays unacknowledged until a later send acknowledges it.
 */
export class BatchClient {
  readonly acknowledged = new Map<string, Order>();
  readonly unacknowledged = new Map<string, Order>();
  /** Answers by status and error code, e.g. "202", "503 disk_full retry-after", "no answer". */
  readonly answers: Record<string, number> = {};

  constructor(private readonly apiKey: string) {}

  /** The answer's status, or undefined when none came. */
  async send(url: string, batch: readonly Order[]): Promise<number | undefined> {
    let status: number | undefined;
    let ok = new Set<string>();
    try {
      const res = await post(`${url}/v1/events/batch`, this.apiKey, batch);
      const body = (await res.json()) as {
        results?: { status: string; eventId: string }[];
        error?: { code: string };
      };
      status = res.status;
      this.count(
        body.error
          ? `${res.status} ${body.error.code}${res.headers.get('retry-after') ? ' retry-after' : ''}`
          : String(res.status),
      );
      ok = new Set(
        (body.results ?? [])
          .filter((r) => r.status === 'accepted' || r.status === 'duplicate')
          .map((r) => r.eventId),
      );
    } catch {
      this.count('no answer');
    }
    for (const e of batch) {
      if (ok.has(e.eventId)) {
        this.acknowledged.set(e.eventId, e);
        this.unacknowledged.delete(e.eventId);
      } else if (!this.acknowledged.has(e.eventId)) this.unacknowledged.set(e.eventId, e);
    }
    return status;
  }

  private count(answer: string): void {
    this.answers[answer] = (this.answers[answer] ?? 0) + 1;
  }
}

/** Orders per customer: what each customer's card must count. */
export function ordersPerCustomer(orders: Iterable<Order>): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of orders) m.set(e.customerId, (m.get(e.customerId) ?? 0) + 1);
  return m;
}

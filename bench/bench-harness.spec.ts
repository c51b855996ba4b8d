import { validateRecordedEvent } from '@touchpoint/contracts';
import { UsageError, parseBenchArgs } from './options';
import {
  type Figure,
  type RunInfo,
  extractAnalysis,
  mergeRecords,
  parseRecord,
  renderMarkdown,
  renderTable,
} from './report';
import { HEAVY_CUSTOMER_KINDS, benchEvents } from './workload';
import { documentBytes, stateBytes, summarise } from './document-sizes';
import { histogramSummary, modelValue } from './metrics';
import { rateOf } from './support';

const run = (date: string, quick = false): RunInfo => ({
  date,
  quick,
  machine: 'Test CPU',
  cores: 2,
  memory: '24 GiB',
  node: '20.20.2',
  kafka: '4.3.1',
  store: 'FerretDB v1.24.2',
});

const figure = (id: Figure['id'], measuredAt: string, value: string): Figure => ({
  id,
  figure: value,
  baseline: 'base | line',
  versus: '0.50',
  met: false,
  notes: [`note for ${id}`],
  measuredAt,
  quick: false,
});

describe('bench workload', () => {
  it('given a seed, then it makes the same valid events every time', () => {
    const a = benchEvents({ seed: 9, events: 1500, customers: 80, idPrefix: 't' });
    const b = benchEvents({ seed: 9, events: 1500, customers: 80, idPrefix: 't' });
    expect(a).toEqual(b);
    expect(a).toHaveLength(1500);
    const invalid = a
      .map((e) => ({ e, v: validateRecordedEvent(e) }))
      .filter((x) => !x.v.ok)
      .map((x) => x.e.type);
    expect(invalid).toEqual([]);
    expect(new Set(a.map((e) => e.eventId)).size).toBe(1500);
  });

  it('given a different seed, then the events differ', () => {
    const a = benchEvents({ seed: 1, events: 200, customers: 20 });
    const b = benchEvents({ seed: 2, events: 200, customers: 20 });
    expect(a.map((e) => e.eventId)).not.toEqual(b.map((e) => e.eventId));
  });

  it('when generated at size, then events average about 1 KB and the mix has the stories the models need', () => {
    const events = benchEvents({ seed: 42, events: 4000, customers: 200 });
    const mean = events.reduce((n, e) => n + JSON.stringify(e).length, 0) / events.length;
    expect(mean).toBeGreaterThan(800);
    expect(mean).toBeLessThan(1200);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('purchase.completed')).toBeGreaterThan(events.length * 0.15);
    expect(count('customer.identified')).toBeGreaterThan(0);
    expect(count('complaint.resolved')).toBeGreaterThan(0);
    expect(events.some((e) => e.customerId === undefined && e.anonymousId !== undefined)).toBe(
      true,
    );
    // Every resolved complaint was opened earlier for the same customer.
    const opened = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'complaint.opened') opened.set(e.payload.complaintId, e.customerId!);
      if (e.type === 'complaint.resolved')
        expect(opened.get(e.payload.complaintId)).toBe(e.customerId);
    }
    // Event times run forward, as a live log holds them.
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('given one customer and the heavy-customer mix, then every event is hers and the mix has the issue’s kinds of event', () => {
    const events = benchEvents({
      seed: 3,
      events: 3000,
      customers: 1,
      days: 3650,
      kinds: HEAVY_CUSTOMER_KINDS,
      idPrefix: 'h',
    });
    // Her own events, and her visitors' sessions before they are identified as her.
    expect(new Set(events.map((e) => e.customerId ?? 'visitor'))).toEqual(
      new Set(['h-c0', 'visitor']),
    );
    expect(
      events.filter((e) => e.customerId === undefined).every((e) => e.anonymousId !== undefined),
    ).toBe(true);
    const types = new Set(events.map((e) => e.type));
    for (const t of [
      'purchase.completed',
      'purchase.refunded',
      'web.visited',
      'call.logged',
      'complaint.opened',
      'complaint.resolved',
      'feedback.submitted',
      'loyalty.points_redeemed',
      'customer.identified',
    ])
      expect(types).toContain(t);
    const span = Date.parse(events.at(-1)!.occurredAt) - Date.parse(events[0]!.occurredAt);
    expect(span / 86400_000).toBeGreaterThan(3600);
  });

  it('when products are drawn, then popularity is skewed: the top 1 % of skus sell far more than their share', () => {
    const events = benchEvents({ seed: 5, events: 6000, customers: 300, products: 1000 });
    const sold = new Map<string, number>();
    for (const e of events)
      if (e.type === 'purchase.completed')
        for (const i of e.payload.items) sold.set(i.sku, (sold.get(i.sku) ?? 0) + 1);
    const counts = [...sold.values()].sort((x, y) => y - x);
    const total = counts.reduce((a, b) => a + b, 0);
    const top = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.1);
  });
});

describe('bench options', () => {
  it('given no arguments, then every benchmark runs at full size into BENCHMARKS.md', () => {
    expect(parseBenchArgs([])).toEqual({
      quick: false,
      only: ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8'],
      profile: false,
      output: 'BENCHMARKS.md',
    });
  });

  it('given --quick --only b5,B1, then those two run in id order', () => {
    expect(parseBenchArgs(['--quick', '--only', 'b5,B1'])).toMatchObject({
      quick: true,
      only: ['B1', 'B5'],
    });
    expect(parseBenchArgs(['--only=B6']).only).toEqual(['B6']);
  });

  it('given an unknown id or option, then it is a usage error naming it', () => {
    expect(() => parseBenchArgs(['--only', 'B9'])).toThrow(
      new UsageError('--only: unknown benchmark B9; expected B1, B2, B3, B4, B5, B6, B7, B8'),
    );
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option --fast');
    expect(() => parseBenchArgs(['--only'])).toThrow('--only needs a value');
  });
});

describe('bench population and hot-key options', () => {
  it('given --b1-population 20000x200 and --b8-events, then B1 preloads that history and B8 folds that many events', () => {
    expect(parseBenchArgs(['--b1-population', '20000x200', '--b8-events=50000'])).toMatchObject({
      b1Population: { customers: 20_000, eventsPerCustomer: 200 },
      b8Events: 50_000,
    });
  });

  it('given a malformed population or too few hot-key events, then it is a usage error', () => {
    expect(() => parseBenchArgs(['--b1-population', '20000'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--b1-population', '5x200'])).toThrow('at least 10 customers');
    expect(() => parseBenchArgs(['--b8-events', '10'])).toThrow('--b8-events needs');
  });

  it('given --b1-offer, then B1 offers that one rate; a rate below 1 is a usage error', () => {
    expect(parseBenchArgs(['--b1-offer', '400']).b1Offer).toBe(400);
    expect(parseBenchArgs([]).b1Offer).toBeUndefined();
    expect(() => parseBenchArgs(['--b1-offer', '0'])).toThrow('--b1-offer needs');
    expect(() => parseBenchArgs(['--b1-offer', '2.5'])).toThrow('--b1-offer needs');
  });
});

describe('bench document sizes', () => {
  it('given a state stored as JSON text, then its bytes are the UTF-8 length of that text', () => {
    const state = JSON.stringify({ name: 'Zoë', orders: [1, 2, 3] });
    expect(stateBytes({ _id: 'customer:c1', state, revision: 3 })).toBe(
      Buffer.byteLength(state, 'utf8'),
    );
    expect(Buffer.byteLength(state, 'utf8')).toBe(state.length + 1);
  });

  it('given a state stored as native fields, then its bytes are its BSON size', () => {
    // BSON: int32 length, then "name": type byte, cstring key, int32 length, "Zoë\0", then 0x00.
    expect(stateBytes({ state: { name: 'Zoë' } })).toBe(4 + 1 + 5 + 4 + 5 + 1);
    expect(stateBytes({ revision: 1 })).toBe(0);
    expect(documentBytes({ state: { name: 'Zoë' } })).toBe(4 + 1 + 6 + 20 + 1);
  });

  it('given sizes, then the summary has their percentiles and the largest', () => {
    const sizes = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarise(sizes)).toEqual({ documents: 100, p50: 51, p90: 91, p99: 100, max: 100 });
    expect(summarise([]).documents).toBe(0);
  });
});

describe('bench metrics', () => {
  const text = [
    '# HELP touchpoint_projector_document_bytes UTF-8 size of the state of each read-model document written',
    '# TYPE touchpoint_projector_document_bytes histogram',
    'touchpoint_projector_document_bytes_bucket{le="1024",model="loyalty"} 90',
    'touchpoint_projector_document_bytes_bucket{le="16384",model="loyalty"} 99',
    'touchpoint_projector_document_bytes_bucket{le="65536",model="loyalty"} 100',
    'touchpoint_projector_document_bytes_bucket{le="+Inf",model="loyalty"} 100',
    'touchpoint_projector_document_bytes_bucket{le="1024",model="customer360"} 10',
    'touchpoint_projector_document_bytes_bucket{le="16384",model="customer360"} 60',
    'touchpoint_projector_document_bytes_bucket{le="65536",model="customer360"} 90',
    'touchpoint_projector_document_bytes_bucket{le="+Inf",model="customer360"} 100',
    'touchpoint_projector_document_bytes_sum{model="customer360"} 123456',
    'touchpoint_projector_beyond_horizon_total{model="customer360"} 7',
  ].join('\n');

  it('given a histogram, then the quantiles are the bounds of the buckets that hold them, per model', () => {
    expect(
      histogramSummary(text, 'touchpoint_projector_document_bytes', 'customer360', 65536),
    ).toEqual({ count: 100, p50: 16384, p99: Infinity, above: 10 });
    expect(histogramSummary(text, 'touchpoint_projector_document_bytes', 'loyalty', 65536)).toEqual(
      { count: 100, p50: 1024, p99: 16384, above: 0 },
    );
  });

  it('given a metric the app does not export, then there is no summary and the value is NaN', () => {
    expect(histogramSummary(text, 'touchpoint_projector_document_bytes', 'crosssell')).toBe(
      undefined,
    );
    expect(modelValue(text, 'touchpoint_projector_beyond_horizon_total', 'customer360')).toBe(7);
    expect(modelValue(text, 'touchpoint_projector_beyond_horizon_total', 'loyalty')).toBeNaN();
  });
});

describe('bench report', () => {
  it('given figures, then the table has a row per figure with its goal and verdict', () => {
    const table = renderTable([figure('B5', '2026-01-01 00:00Z', '12 events/s')]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('12 events/s');
    expect(lines[2]).toContain('ratio ≥ 0.3');
    expect(lines[2]).toContain('missed');
  });

  it('given an earlier record, when a run measures only B5, then B1 is kept with its run and the analysis survives', () => {
    const first = mergeRecords(undefined, run('2026-01-01 00:00Z'), [
      figure('B1', '2026-01-01 00:00Z', '40 events/s'),
      figure('B5', '2026-01-01 00:00Z', '10 events/s'),
    ]);
    const md1 = renderMarkdown(first, 'The store is the bottleneck.');
    const second = mergeRecords(parseRecord(md1), run('2026-02-01 00:00Z', true), [
      figure('B5', '2026-02-01 00:00Z', '20 events/s'),
    ]);
    const md2 = renderMarkdown(second, extractAnalysis(md1)!);

    expect(second.figures.B1?.figure).toBe('40 events/s');
    expect(second.figures.B5?.figure).toBe('20 events/s');
    expect(second.runs.map((r) => r.date)).toEqual(['2026-01-01 00:00Z']);
    expect(md2).toContain('The store is the bottleneck.');
    expect(md2).toContain('| B3 | replay 1 M events into a new version | — |');
    expect(md2).toContain('not yet measured');
    expect(md2).toContain('base \\| line');
    expect(md2).toContain('FerretDB v1 (SQLite backend), not MongoDB');
    expect(parseRecord(md2)).toEqual(second);
  });
});

describe('bench rates', () => {
  it('given a backlog folded whole between two polls, then the rate spans that poll interval', () => {
    expect(
      rateOf([
        { at: 1_000, done: 0 },
        { at: 1_250, done: 1_000 },
      ]),
    ).toEqual({ rate: 4_000, seconds: 0.25, done: 1_000 });
  });

  it('given progress over several polls, then the clock starts one poll before the first progress', () => {
    expect(
      rateOf([
        { at: 0, done: 0 },
        { at: 500, done: 0 },
        { at: 1_000, done: 100 },
        { at: 2_500, done: 400 },
      ]),
    ).toEqual({ rate: 200, seconds: 2, done: 400 });
  });

  it('given no progress or a single sample, then the rate is 0 rather than a division by zero', () => {
    expect(rateOf([{ at: 0, done: 0 }]).rate).toBe(0);
    expect(rateOf([{ at: 0, done: 5 }]).rate).toBe(0);
  });
});

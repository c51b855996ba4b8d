import { type BasketStats, type Rule } from '@touchpoint/projections';
import type { CrosssellAggregatesCache } from '../read/crosssell-aggregates.cache';
import type { CustomerReader } from '../read/customer-reader';
import type { ModelLag } from '../read/model-lag.service';
import { ListCrosssellRulesHandler } from './crosssell-rules.handler';
import { ListCrosssellRulesQuery, type RuleFilter, isRuleCursor } from './crosssell-rules.query';

/** Eight items, every pair co-purchased a different number of times: 56 rules, many ties. */
function stats(): BasketStats {
  const keys = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
  const pairs: [string, string, number][] = [];
  keys.forEach((a, i) =>
    keys.slice(i + 1).forEach((b, j) => pairs.push([a, b, 1 + ((i + j) % 3)])),
  );
  return {
    baskets: 40,
    item: { singles: keys.map((k) => [k, 12] as const), pairs },
    category: { singles: [], pairs: [] },
    names: [],
  };
}

function handler(): ListCrosssellRulesHandler {
  const reader = {
    active: () => Promise.resolve({ version: 'v1', collection: 'crosssell_v1', policy: {} }),
  } as unknown as CustomerReader;
  const cache = {
    get: () => Promise.resolve({ stats: stats(), spends: [] }),
  } as unknown as CrosssellAggregatesCache;
  const lag = { lagMs: () => Promise.resolve(0) } as unknown as ModelLag;
  return new ListCrosssellRulesHandler(reader, cache, lag);
}

function decode(next: string): unknown {
  return JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
}

describe('ListCrosssellRulesHandler paging', () => {
  it.each(['lift', 'confidence', 'support'] as const)(
    'Given 56 rules sorted by %s, When read 5 at a time following the cursor, Then every rule comes once, in order',
    async (sort) => {
      const filter: RuleFilter = {
        level: 'item',
        antecedent: undefined,
        minSupport: 0,
        minConfidence: 0,
        sort,
        limit: 1000,
        cursor: undefined,
      };
      const all = (await handler().execute(new ListCrosssellRulesQuery(filter))).data;
      expect(all).toHaveLength(56);
      const paged: Rule[] = [];
      let cursor: RuleFilter['cursor'];
      for (let page = 0; page < 20; page++) {
        const res = await handler().execute(
          new ListCrosssellRulesQuery({ ...filter, limit: 5, cursor }),
        );
        paged.push(...res.data);
        const next = res.page.next;
        if (next === null) break;
        const decoded = decode(next);
        if (!isRuleCursor(decoded)) throw new Error('not a cursor');
        cursor = decoded;
      }
      expect(paged).toEqual(all);
    },
  );
});

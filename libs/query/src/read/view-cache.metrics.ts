import type { MetricsService } from '@touchpoint/platform';
import type { ViewCacheMetrics } from './view-cache';

/** The cache's series in /metrics (docs/agent-api.md, "Cached reads"). */
export function viewCacheMetrics(metrics: MetricsService): ViewCacheMetrics {
  const hits = metrics.counter(
    'touchpoint_query_cache_hits_total',
    'Customer reads served from the query cache (kind: entry, or negative for unknown customers)',
    ['model', 'kind'],
  );
  const misses = metrics.counter(
    'touchpoint_query_cache_misses_total',
    'Customer reads the query cache could not serve (read from the store)',
    ['model'],
  );
  const evictions = metrics.counter(
    'touchpoint_query_cache_evictions_total',
    'Query cache entries evicted to stay within QUERY_CACHE_MB',
    [],
  );
  const bytes = metrics.gauge(
    'touchpoint_query_cache_bytes',
    'Stored JSON held by the query cache (parsed objects take a few times that)',
    [],
  );
  const entries = metrics.gauge(
    'touchpoint_query_cache_entries',
    'Query cache entries (kind: entry, or negative for unknown customers)',
    ['kind'],
  );
  return {
    hit: (model, kind) => hits.inc({ model, kind }),
    miss: (model) => misses.inc({ model }),
    evicted: (count) => evictions.inc(count),
    size: (used, count, negatives) => {
      bytes.set(used);
      entries.set({ kind: 'entry' }, count);
      entries.set({ kind: 'negative' }, negatives);
    },
  };
}

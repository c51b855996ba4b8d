import { useEffect, useRef, useState } from 'preact/hooks';
import { apiPath, customerPath, getJson } from './api';
import { type TimelineEntry, type TimelinePage } from './api.types';
import { ago, channelLabel, dateTime } from './format';
import { type Resource } from './resource';
import { useSession } from './session-context';
import { Loading, Panel, ProblemBox } from './ui';

const FRESH_MS = 6000;

/**
 * The customer's recent history, newest first. Entries that arrive through a live update are
 * marked for a few seconds and read out by screen readers (the list is not a live region
 * itself: re-reading the whole list on every change would be unbearable).
 */
export function Timeline({
  customerId,
  page,
  onAnnounce,
  now,
}: {
  customerId: string;
  page: Resource<TimelinePage<TimelineEntry>>;
  onAnnounce: (text: string) => void;
  now: number;
}) {
  const session = useSession();
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [older, setOlder] = useState<{ items: TimelineEntry[]; next: string | null } | null>(null);
  const [olderBusy, setOlderBusy] = useState(false);

  useEffect(() => {
    seen.current = null;
    setOlder(null);
  }, [customerId]);

  useEffect(() => {
    const items = page.data?.items;
    if (items === undefined) return;
    const before = seen.current;
    seen.current = new Set(items.map((e) => e.eventId));
    if (before === null) return;
    const added = items.filter((e) => !before.has(e.eventId));
    if (added.length === 0) return;
    setFresh(new Set(added.map((e) => e.eventId)));
    onAnnounce(
      `New on the timeline: ${added
        .slice(0, 3)
        .map((e) => `${e.summary} (${channelLabel(e.channel)})`)
        .join('; ')}`,
    );
    const t = setTimeout(() => setFresh(new Set()), FRESH_MS);
    return () => clearTimeout(t);
  }, [page.data, onAnnounce]);

  const next = older !== null ? older.next : (page.data?.next ?? null);
  const loadOlder = async (cursor: string) => {
    setOlderBusy(true);
    try {
      const env = await getJson<TimelinePage<TimelineEntry>>(
        session.token,
        apiPath(customerPath(customerId, '/timeline'), { before: cursor, limit: 50 }),
        { what: 'older timeline entries', customerId, role: session.me.role },
      );
      setOlder((o) => ({ items: [...(o?.items ?? []), ...env.data.items], next: env.data.next }));
    } catch {
      page.reload();
    } finally {
      setOlderBusy(false);
    }
  };

  const items = [...(page.data?.items ?? []), ...(older?.items ?? [])];
  return (
    <Panel id="timeline" title="Timeline" class="p-timeline">
      {page.problem && <ProblemBox problem={page.problem} onRetry={page.reload} />}
      {page.loading && page.data === null && <Loading what="the timeline" />}
      {page.data !== null && items.length === 0 && <p class="muted">Nothing has happened yet.</p>}
      <ol class="timeline" aria-label="Interactions, newest first">
        {items.map((e) => (
          <li key={e.eventId} class={fresh.has(e.eventId) ? 'tl-item fresh' : 'tl-item'}>
            <span class={`tl-dot t-${e.type.split('.')[0] ?? ''}`} aria-hidden="true" />
            <div class="tl-body">
              <p class="tl-summary">
                {fresh.has(e.eventId) && <span class="new-pill">New</span>}
                {e.summary}
              </p>
              <p class="tl-meta muted small">
                <span class="chip">{channelLabel(e.channel)}</span>{' '}
                <time dateTime={e.at} title={dateTime(e.at)}>
                  {ago(e.at, now)}
                </time>
              </p>
            </div>
          </li>
        ))}
      </ol>
      {next !== null && (
        <button
          type="button"
          class="button secondary"
          disabled={olderBusy}
          onClick={() => void loadOlder(next)}
        >
          {olderBusy ? 'Loading…' : 'Show older'}
        </button>
      )}
    </Panel>
  );
}

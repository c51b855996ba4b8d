import { useState } from 'preact/hooks';
import { apiPath, getJson } from './api';
import { type CustomerSummary, type Envelope } from './api.types';
import { label } from './format';
import { useResource } from './resource';
import { onLinkClick, routeHref } from './router';
import { useSession } from './session-context';
import { Loading, ProblemBox, StageBadge, TierBadge } from './ui';

export function SearchPage({ q }: { q: string }) {
  const session = useSession();
  const [extra, setExtra] = useState<{ items: CustomerSummary[]; next: string | null } | null>(
    null,
  );
  const results = useResource<CustomerSummary[]>(
    q === ''
      ? null
      : (signal) => {
          setExtra(null);
          return getJson<CustomerSummary[]>(
            session.token,
            apiPath('/v1/customers', { q, limit: 20 }),
            { what: 'customer search', role: session.me.role },
            signal,
          );
        },
    [q, session.token],
    session.report,
  );

  if (q === '') {
    return (
      <div class="empty-state">
        <h1>Find a customer</h1>
        <p class="muted">
          Search by e-mail, phone number (any format), loyalty card or name — or open a customer id
          directly.
        </p>
      </div>
    );
  }

  const loadMore = async (cursor: string) => {
    try {
      const env: Envelope<CustomerSummary[]> = await getJson<CustomerSummary[]>(
        session.token,
        apiPath('/v1/customers', { q, limit: 20, cursor }),
        { what: 'customer search', role: session.me.role },
      );
      setExtra((e) => ({
        items: [...(e?.items ?? []), ...env.data],
        next: env.page?.next ?? null,
      }));
    } catch {
      results.reload();
    }
  };

  const items = [...(results.data ?? []), ...(extra?.items ?? [])];
  const next = extra !== null ? extra.next : results.next;
  return (
    <section aria-labelledby="results-title" class="results">
      <h1 id="results-title">
        Results for <q>{q}</q>
      </h1>
      {results.problem && <ProblemBox problem={results.problem} onRetry={results.reload} />}
      {results.loading && results.data === null && <Loading what="results" />}
      {results.data !== null && (
        <p class="muted" role="status">
          {items.length === 0
            ? `No customer matches “${q}”. Try the e-mail address, the phone number or the loyalty card.`
            : `${items.length} customer${items.length === 1 ? '' : 's'} found.`}
        </p>
      )}
      <ul class="result-list">
        {items.map((c) => (
          <li key={c.customerId}>
            <a
              class="result"
              href={routeHref({ page: 'customer', id: c.customerId, asOf: null })}
              onClick={onLinkClick}
            >
              <span class="result-name">{c.name ?? 'No name on file'}</span>
              <span class="result-badges">
                <TierBadge tier={c.tier} />
                <StageBadge stage={c.lifecycleStage} />
              </span>
              <span class="result-meta muted">
                {[c.customerId, c.email, c.phone, c.loyaltyCardId && `Card ${c.loyaltyCardId}`]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              <span class="sr-only">, {label(c.lifecycleStage)}</span>
            </a>
          </li>
        ))}
      </ul>
      {next !== null && (
        <button type="button" class="button secondary" onClick={() => void loadMore(next)}>
          More results
        </button>
      )}
    </section>
  );
}

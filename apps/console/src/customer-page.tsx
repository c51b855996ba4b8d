import { useCallback, useEffect, useState } from 'preact/hooks';
import { apiPath, customerPath, getJson } from './api';
import {
  type Customer360View,
  type LoyaltyView,
  type NextBestAction,
  type Recommendation,
  type TimelineEntry,
  type TimelinePage,
} from './api.types';
import { ChannelMix, SpendSparkline } from './charts';
import {
  address,
  ago,
  compactMoney,
  date,
  dateTime,
  duration,
  label,
  money,
  personName,
} from './format';
import { useCustomerStream, type LiveState } from './live';
import { useResource, type Resource } from './resource';
import { onLinkClick, routeHref } from './router';
import { useSession } from './session-context';
import { Timeline } from './timeline';
import { FreshnessNote, Loading, Panel, ProblemBox, StageBadge, TierBadge } from './ui';

/** Models whose change notices refresh each part of the card. */
const AFFECTS = {
  customer: ['customer360'],
  timeline: ['customer360'],
  loyalty: ['loyalty'],
  recommendations: ['crosssell'],
  actions: ['customer360', 'loyalty', 'crosssell'],
} as const;

const touches = (models: ReadonlySet<string>, part: keyof typeof AFFECTS): boolean =>
  models.has('*') || AFFECTS[part].some((m) => models.has(m));

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function CustomerPage({
  id,
  asOf,
  onAnnounce,
}: {
  id: string;
  asOf: string | null;
  onAnnounce: (text: string) => void;
}) {
  const s = useSession();
  const now = useNow(30_000);
  const ctx = (what: string) => ({ what, customerId: id, role: s.me.role });
  const get =
    <T,>(rest: string, what: string, query: Record<string, string | null> = {}) =>
    (signal: AbortSignal) =>
      getJson<T>(s.token, apiPath(customerPath(id, rest), query), ctx(what), signal);
  const deps = [id, asOf, s.token];

  const customer = useResource<Customer360View>(get('', 'this customer', { asOf }), deps, s.report);
  const loyalty = useResource<LoyaltyView>(
    get('/loyalty', "this customer's loyalty", { asOf }),
    deps,
    s.report,
  );
  const actions = useResource<{ actions: NextBestAction[] }>(
    get('/next-best-action', 'the next best action', { asOf }),
    deps,
    s.report,
  );
  const recs = useResource<Recommendation[]>(
    get('/recommendations', "this customer's recommendations"),
    deps,
    s.report,
  );
  const timeline = useResource<TimelinePage<TimelineEntry>>(
    get('/timeline', "this customer's timeline", { limit: '50' }),
    deps,
    s.report,
  );

  const onChange = useCallback(
    (models: ReadonlySet<string>) => {
      if (touches(models, 'customer')) customer.reload();
      if (touches(models, 'timeline')) timeline.reload();
      if (touches(models, 'loyalty')) loyalty.reload();
      if (touches(models, 'recommendations')) recs.reload();
      if (touches(models, 'actions')) actions.reload();
    },
    [customer.reload, timeline.reload, loyalty.reload, recs.reload, actions.reload],
  );
  const missing = customer.problem !== null && customer.problem.status !== 0;
  const live = useCustomerStream(s.token, id, asOf === null && !missing, onChange, s.recheck);

  useEffect(() => {
    document.title = `${personName(customer.data?.contact.name) ?? id} — Touchpoint`;
  }, [customer.data, id]);

  // When the customer itself cannot be shown, say why once instead of five times.
  if (customer.problem !== null && customer.data === null) {
    return (
      <div class="card-error">
        <ProblemBox problem={customer.problem} onRetry={customer.reload} />
        <p>
          <a href="/" onClick={onLinkClick}>
            Back to search
          </a>
        </p>
      </div>
    );
  }
  if (customer.data === null) return <Loading what="the customer" />;

  const c = customer.data;
  const l = loyalty.data;
  return (
    <article class="card" aria-labelledby="customer-name">
      {asOf !== null && (
        <p class="asof-banner" role="note">
          Showing this customer as of {dateTime(c.asOf)}. Live updates are paused.{' '}
          <a href={routeHref({ page: 'customer', id, asOf: null })} onClick={onLinkClick}>
            Back to now
          </a>
        </p>
      )}
      <CardHeader c={c} l={l} live={live} />
      <NextBestActions res={actions} />
      <div class="columns">
        <div class="col">
          <Complaints c={c} now={now} ticking={asOf === null} />
          <Timeline customerId={id} page={timeline} onAnnounce={onAnnounce} now={now} />
        </div>
        <div class="col">
          <LoyaltyPanel res={loyalty} />
          <ValuePanel c={c} />
          <Panel id="channels" title="Channel mix" class="p-channels">
            <ChannelMix channels={c.channels} />
            {c.lastContactAt && (
              <p class="muted small">
                {c.totalContacts} contacts, last {ago(c.lastContactAt, now)}
              </p>
            )}
          </Panel>
        </div>
        <div class="col">
          <ProfilePanel c={c} pii={s.me.pii} />
          <Recommendations res={recs} />
        </div>
      </div>
      <footer class="card-foot">
        <FreshnessNote
          items={[
            ...customer.freshness,
            ...loyalty.freshness,
            ...recs.freshness.filter((f) => !loyalty.freshness.some((g) => g.model === f.model)),
          ]}
        />
      </footer>
    </article>
  );
}

const LIVE_TEXT: Readonly<Record<LiveState, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
};

function CardHeader({
  c,
  l,
  live,
}: {
  c: Customer360View;
  l: LoyaltyView | null;
  live: LiveState;
}) {
  const name = personName(c.contact.name);
  const csat = c.satisfaction.latestCsat;
  return (
    <header class="card-head">
      <div class="who">
        <h1 id="customer-name">
          {name ?? (c.identity.erased ? 'Erased customer' : 'No name on file')}
        </h1>
        <p class="muted">
          <span class="mono">{c.customerId ?? c.key}</span>
          {c.identity.registeredAt && <> · customer since {date(c.identity.registeredAt)}</>}
        </p>
        <p class="badges">
          <TierBadge tier={l?.tier ?? null} />
          <StageBadge stage={c.lifecycle.stage} reason={c.lifecycle.reason} />
          <span
            class={`live live-${live}`}
            role="status"
            aria-label={`Live updates: ${LIVE_TEXT[live]}`}
          >
            <span class="live-dot" aria-hidden="true" />
            {LIVE_TEXT[live]}
          </span>
        </p>
        {c.identity.mergedIntoCustomerId && (
          <p class="note">
            Merged into{' '}
            <a
              href={routeHref({
                page: 'customer',
                id: c.identity.mergedIntoCustomerId,
                asOf: null,
              })}
              onClick={onLinkClick}
            >
              {c.identity.mergedIntoCustomerId}
            </a>
          </p>
        )}
        {c.identity.erased && (
          <p class="note">
            Personal data erased{c.identity.erasedAt ? ` on ${date(c.identity.erasedAt)}` : ''}.
          </p>
        )}
      </div>
      <dl class="stats">
        <div>
          <dt>Points</dt>
          <dd data-testid="points">{l ? l.points.balance.toLocaleString('en') : '—'}</dd>
        </div>
        <div>
          <dt>Orders</dt>
          <dd data-testid="orders">{c.purchases.orders}</dd>
        </div>
        <div>
          <dt>Total spend</dt>
          <dd>{money(c.purchases.spend, c.purchases.currency)}</dd>
        </div>
        <div>
          <dt>Last CSAT</dt>
          <dd>{csat ? `${csat.score} / 5` : '—'}</dd>
        </div>
      </dl>
    </header>
  );
}

function NextBestActions({ res }: { res: Resource<{ actions: NextBestAction[] }> }) {
  if (res.problem !== null && res.data === null) {
    return (
      <section class="nba nba-none" aria-labelledby="nba-title">
        <h2 id="nba-title" class="eyebrow">
          Next best action
        </h2>
        <ProblemBox problem={res.problem} onRetry={res.reload} />
      </section>
    );
  }
  const [first, ...rest] = res.data?.actions ?? [];
  return (
    <section
      class={`nba nba-${first?.kind ?? 'none'}`}
      aria-labelledby="nba-title"
      data-testid="nba"
    >
      <h2 id="nba-title" class="eyebrow">
        Next best action
      </h2>
      {res.data === null ? (
        <Loading what="the next best action" />
      ) : first === undefined || first.kind === 'none' ? (
        <>
          <p class="nba-title">{first?.title ?? 'Nothing to suggest'}</p>
          <p class="nba-reason">{first?.reason ?? 'Just listen to the customer.'}</p>
        </>
      ) : (
        <>
          <p class="nba-title">{first.title}</p>
          <p class="nba-reason">{first.reason}</p>
        </>
      )}
      {rest.filter((a) => a.kind !== 'none').length > 0 && (
        <div class="nba-then">
          <h3 class="small">Then</h3>
          <ol>
            {rest
              .filter((a) => a.kind !== 'none')
              .map((a, i) => (
                <li key={`${a.kind}-${a.ref ?? i}`}>
                  <strong>{a.title}</strong> <span class="muted">— {a.reason}</span>
                </li>
              ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function Complaints({ c, now, ticking }: { c: Customer360View; now: number; ticking: boolean }) {
  const open = c.complaints.open;
  const since = Date.parse(c.asOf);
  // Ages come from the read; keep them counting while the card stays open.
  const extraHours = Number.isNaN(since) ? 0 : Math.max(0, (now - since) / 3_600_000);
  return (
    <Panel
      id="complaints"
      title="Open complaints"
      class={`p-complaints ${open.length > 0 ? 'has-open' : ''}`}
      extra={<span class={`count ${open.length > 0 ? 'count-bad' : ''}`}>{open.length}</span>}
    >
      {open.length === 0 ? (
        <p class="muted">
          No open complaint.
          {c.complaints.resolvedCount > 0 &&
            ` ${c.complaints.resolvedCount} resolved` +
              (c.complaints.averageTimeToResolveHours !== null
                ? `, on average in ${duration(c.complaints.averageTimeToResolveHours)}.`
                : '.')}
        </p>
      ) : (
        <ul class="complaints">
          {open.map((k) => (
            <li key={k.complaintId} class={`complaint sev-${k.severity}`}>
              <p>
                <strong class="mono">{k.complaintId}</strong> · {label(k.category)}{' '}
                <span class={`badge sev sev-${k.severity}`}>{label(k.severity)}</span>
              </p>
              <p class="small">
                Open for <strong>{duration(k.ageHours + (ticking ? extraHours : 0))}</strong>{' '}
                <span class="muted">(since {dateTime(k.openedAt)})</span>
              </p>
              {k.description && <p class="small">{k.description}</p>}
              {k.orderId && <p class="small muted">Order {k.orderId}</p>}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function LoyaltyPanel({ res }: { res: Resource<LoyaltyView> }) {
  const l = res.data;
  return (
    <Panel id="loyalty" title="Loyalty" class="p-loyalty">
      {res.problem && <ProblemBox problem={res.problem} onRetry={res.reload} />}
      {l === null && res.problem === null && <Loading what="loyalty" />}
      {l !== null && (
        <>
          <dl class="facts">
            <dt>Tier</dt>
            <dd>
              <TierBadge tier={l.tier} />
              {l.tierSince && <span class="muted small"> since {date(l.tierSince)}</span>}
            </dd>
            <dt>Last {l.window.days} days</dt>
            <dd>
              {l.window.purchases} purchases, {money(l.window.spend, l.window.currency)}
            </dd>
            <dt>Points</dt>
            <dd>
              <strong>{l.points.balance.toLocaleString('en')}</strong>{' '}
              <span class="muted small">
                earned {l.points.earned.toLocaleString('en')}, redeemed{' '}
                {l.points.redeemed.toLocaleString('en')}
                {l.points.adjusted !== 0 &&
                  `, adjusted ${l.points.adjusted > 0 ? '+' : ''}${l.points.adjusted}`}
              </span>
            </dd>
            <dt>Eligible for</dt>
            <dd>
              {[
                l.outreach.greetings && 'greetings',
                l.outreach.recommendations && 'recommendations',
              ]
                .filter(Boolean)
                .join(', ') || 'no outreach'}
            </dd>
          </dl>
          {l.tierHistory.length > 0 && (
            <p class="small muted">
              Last change: {l.tierHistory[l.tierHistory.length - 1]?.reason}
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

function ValuePanel({ c }: { c: Customer360View }) {
  const r = c.rfm;
  const p = c.purchases;
  return (
    <Panel id="value" title="Value" class="p-value">
      {/* An API older than the spend series omits it: draw nothing rather than fail. */}
      <SpendSparkline series={p.spendByMonth ?? []} asOf={c.asOf} currency={p.currency} />
      <dl class="facts grid4" aria-label="Recency, frequency, monetary value">
        <div>
          <dt title="Repeat purchase days">Frequency</dt>
          <dd>{r ? r.frequency : '—'}</dd>
        </div>
        <div>
          <dt title="Days from the first to the last purchase day">Recency</dt>
          <dd>{r ? `${r.recency} d` : '—'}</dd>
        </div>
        <div>
          <dt title="Days since the first purchase day">Age (T)</dt>
          <dd>{r ? `${r.T} d` : '—'}</dd>
        </div>
        <div>
          <dt title="Mean spend per repeat purchase day">Monetary</dt>
          <dd title={r ? money(Math.round(r.monetary), r.currency) : undefined}>
            {r ? compactMoney(Math.round(r.monetary), r.currency) : '—'}
          </dd>
        </div>
      </dl>
      <p class="small muted">
        {p.orders} orders
        {p.averageOrderValue !== null &&
          `, average ${money(Math.round(p.averageOrderValue), p.currency)}`}
        {p.lastPurchaseAt && `, last on ${date(p.lastPurchaseAt)}`}. {c.lifecycle.reason}.
      </p>
    </Panel>
  );
}

function ProfilePanel({ c, pii }: { c: Customer360View; pii: boolean }) {
  const consent = Object.entries(c.consent)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${label(k)} ${v ? '✓' : '✗'}`);
  const row = (term: string, value: string | null) => (
    <>
      <dt>{term}</dt>
      <dd>{value ?? <span class="muted">not on file</span>}</dd>
    </>
  );
  return (
    <Panel
      id="profile"
      title="Profile"
      class="p-profile"
      extra={
        !pii && (
          <span class="chip" title="Your token does not show personal data">
            Masked
          </span>
        )
      }
    >
      <dl class="facts">
        {row('E-mail', c.contact.email)}
        {row('Phone', c.contact.phone)}
        {row('Loyalty card', c.contact.loyaltyCardId)}
        {row('Birthday', c.profile.birthDate)}
        {row('Address', address(c.profile.address))}
        {row('Consent', consent.length > 0 ? consent.join(' · ') : null)}
        {c.satisfaction.latestNps && row('Last NPS', String(c.satisfaction.latestNps.score))}
        {c.web.abandonmentRate !== null &&
          row(
            'Web',
            `${c.web.sessions} ${c.web.sessions === 1 ? 'session' : 'sessions'}, ${Math.round(c.web.abandonmentRate * 100)} % of carts abandoned`,
          )}
      </dl>
    </Panel>
  );
}

const SOURCE_TEXT: Readonly<Record<Recommendation['source'], string>> = {
  association_rule: 'Bought together',
  category_chain: 'Category chain',
  value_segment_chain: 'Top-customer chain',
};

function Recommendations({ res }: { res: Resource<Recommendation[]> }) {
  return (
    <Panel id="recs" title="Recommendations" class="p-recs">
      {res.problem && <ProblemBox problem={res.problem} onRetry={res.reload} />}
      {res.data === null && res.problem === null && <Loading what="recommendations" />}
      {res.data !== null && res.data.length === 0 && (
        <p class="muted">No recommendation for this customer yet.</p>
      )}
      {res.data !== null && res.data.length > 0 && (
        <ul class="recs">
          {res.data.map((r) => (
            <li key={`${r.kind}:${r.target}`}>
              <p>
                <strong>{r.name ?? label(r.target)}</strong>{' '}
                <span class="chip">{SOURCE_TEXT[r.source]}</span>
              </p>
              <p class="small">
                <span class="why">Why: </span>
                {r.explanation}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

import { type ComponentChildren } from 'preact';
import { type Freshness } from './api.types';
import { dateTime, label, lagText } from './format';
import { type Problem } from './problem';

export function ProblemBox({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  return (
    <div class="problem" role="alert">
      <p class="problem-title">{problem.title}</p>
      <p>{problem.detail}</p>
      {problem.reference !== null && (
        <p class="muted small">
          Reference: <code>{problem.reference}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Panel({
  id,
  title,
  children,
  extra,
  class: cls,
}: {
  id: string;
  title: string;
  children: ComponentChildren;
  extra?: ComponentChildren;
  class?: string;
}) {
  return (
    <section class={`panel ${cls ?? ''}`} aria-labelledby={`${id}-title`}>
      <header class="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {extra}
      </header>
      {children}
    </section>
  );
}

const TIER_CLASS: Readonly<Record<string, string>> = {
  very_loyal: 'tier-gold',
  loyal: 'tier-blue',
  occasional: 'tier-grey',
};

export function TierBadge({ tier }: { tier: string | null }) {
  if (tier === null) return null;
  return (
    <span class={`badge ${TIER_CLASS[tier] ?? 'tier-grey'}`} title="Loyalty tier">
      {tier !== 'occasional' && <span aria-hidden="true">{tier === 'very_loyal' ? '★' : '☆'}</span>}
      <span class="sr-only">Tier: </span>
      {label(tier)}
    </span>
  );
}

const STAGE_CLASS: Readonly<Record<string, string>> = {
  active: 'stage-good',
  new: 'stage-new',
  at_risk: 'stage-warn',
  lapsed: 'stage-bad',
  prospect: 'stage-neutral',
};

export function StageBadge({ stage, reason }: { stage: string; reason?: string }) {
  return (
    <span class={`badge ${STAGE_CLASS[stage] ?? 'stage-neutral'}`} title={reason}>
      <span class="sr-only">Lifecycle stage: </span>
      {label(stage)}
    </span>
  );
}

/** One short line saying how current the figures are; details on hover. */
export function FreshnessNote({ items }: { items: readonly Freshness[] }) {
  if (items.length === 0) return null;
  const worst = items.reduce<number | null>(
    (m, f) => (f.lagMs === null ? m : m === null ? f.lagMs : Math.max(m, f.lagMs)),
    null,
  );
  const detail = items
    .map(
      (f) =>
        `${f.model} ${f.version}: ${lagText(f.lagMs)}` +
        (f.occurredAt ? `, last event ${dateTime(f.occurredAt)}` : ''),
    )
    .join('\n');
  return (
    <p class="freshness" title={detail}>
      <span class="sr-only">Data freshness: </span>
      {items.map((f) => `${f.model} ${f.version}`).join(' · ')} — {lagText(worst)}
      <span class="sr-only">. {detail}</span>
    </p>
  );
}

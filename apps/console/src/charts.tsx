import { type ChannelActivity, type MonthlySpend } from './api.types';
import {
  channelLabel,
  compactMoney,
  lastMonths,
  money,
  monthName,
  sparklinePoints,
} from './format';

/** Contacts per channel as horizontal bars; the figures are also in the accessible name. */
export function ChannelMix({ channels }: { channels: readonly ChannelActivity[] }) {
  const rows = [...channels].sort((a, b) => b.count - a.count);
  if (rows.length === 0) return <p class="muted">No contact yet.</p>;
  const max = Math.max(...rows.map((r) => r.count));
  const total = rows.reduce((s, r) => s + r.count, 0);
  const rowH = 26;
  const labelW = 92;
  const width = 320;
  const barW = width - labelW - 44;
  const summary = rows
    .map((r) => `${channelLabel(r.channel)} ${r.count} (${Math.round((100 * r.count) / total)} %)`)
    .join(', ');
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${rows.length * rowH}`}
      role="img"
      aria-label={`Contacts by channel: ${summary}`}
    >
      {rows.map((r, i) => {
        const w = Math.max(2, (barW * r.count) / max);
        const y = i * rowH;
        return (
          <g key={r.channel} class={`ch ch-${r.channel}`}>
            <text x={0} y={y + 17} class="chart-label">
              {channelLabel(r.channel)}
            </text>
            <rect x={labelW} y={y + 5} width={barW} height={14} rx={3} class="bar-bg" />
            <rect x={labelW} y={y + 5} width={w} height={14} rx={3} class="bar" />
            <text x={labelW + barW + 6} y={y + 17} class="chart-value">
              {r.count}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Monthly spend over the last year, ending with the month of `asOf`. */
export function SpendSparkline({
  series,
  asOf,
  currency,
}: {
  series: readonly MonthlySpend[];
  asOf: string;
  currency: string | null;
}) {
  const months = lastMonths(series, asOf.slice(0, 7), 12);
  const total = months.reduce((s, m) => s + m.spend, 0);
  if (total === 0) return <p class="muted">No spend in the last 12 months.</p>;
  const width = 240;
  const height = 48;
  const pts = sparklinePoints(
    months.map((m) => m.spend),
    width,
    height,
    4,
  );
  const line = pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const first = pts[0];
  const last = pts[pts.length - 1];
  const area =
    first && last
      ? `M${first.x},${height} L${line.replace(/ /g, ' L')} L${last.x},${height} Z`
      : '';
  const best = months.reduce((b, m) => (m.spend > b.spend ? m : b));
  const from = months[0];
  return (
    <figure class="spark">
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Spend by month over the last 12 months: ${money(total, currency)} in total; highest ${monthName(best.month)} with ${money(best.spend, currency)}`}
      >
        <path d={area} class="spark-area" />
        <polyline points={line} class="spark-line" />
        {last && <circle cx={last.x} cy={last.y} r={3} class="spark-dot" />}
      </svg>
      <figcaption class="muted small">
        {from ? monthName(from.month) : ''} – {monthName(months[months.length - 1]?.month ?? '')}
        {' · '}
        {compactMoney(total, currency)} in 12 months
      </figcaption>
    </figure>
  );
}

import { apiPath, getJson } from './api';
import { type Rule } from './api.types';
import { label } from './format';
import { useResource } from './resource';
import { useSession } from './session-context';
import { FreshnessNote, Loading, ProblemBox } from './ui';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Category-level association rules, strongest first: the "why" behind recommendations. */
export function RulesPage() {
  const s = useSession();
  const rules = useResource<Rule[]>(
    (signal) =>
      getJson<Rule[]>(
        s.token,
        apiPath('/v1/crosssell/rules', { level: 'category', sort: 'lift', limit: 50 }),
        { what: 'the cross-sell rules (analysts and admins)', role: s.me.role },
        signal,
      ),
    [s.token],
    s.report,
  );
  return (
    <section class="rules" aria-labelledby="rules-title">
      <h1 id="rules-title">Cross-sell rules</h1>
      <p class="muted">
        Categories bought together, by lift. Support: share of all baskets; confidence: share of
        baskets with the first category that also have the second.
      </p>
      {rules.problem && <ProblemBox problem={rules.problem} onRetry={rules.reload} />}
      {rules.loading && rules.data === null && <Loading what="rules" />}
      {rules.data !== null && rules.data.length === 0 && (
        <p class="muted">No rule meets the thresholds yet.</p>
      )}
      {rules.data !== null && rules.data.length > 0 && (
        <div class="panel table-wrap">
          <table>
            <caption class="sr-only">Association rules between categories</caption>
            <thead>
              <tr>
                <th scope="col">Bought</th>
                <th scope="col">Also bought</th>
                <th scope="col" class="num">
                  Support
                </th>
                <th scope="col" class="num">
                  Confidence
                </th>
                <th scope="col" class="num">
                  Lift
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((r) => (
                <tr key={`${r.antecedent}→${r.consequent}`}>
                  <td>{r.antecedentName ?? label(r.antecedent)}</td>
                  <td>{r.consequentName ?? label(r.consequent)}</td>
                  <td class="num">{pct(r.support)}</td>
                  <td class="num">{pct(r.confidence)}</td>
                  <td class="num">{r.lift.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FreshnessNote items={rules.freshness} />
    </section>
  );
}

import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { associationRules } from '@touchpoint/projections';
import { encodeCursor } from '../domain/query-params';
import { CrosssellAggregatesCache } from '../read/crosssell-aggregates.cache';
import { CustomerReader } from '../read/customer-reader';
import { freshnessOf } from '../read/freshness';
import { ModelLag } from '../read/model-lag.service';
import { ListCrosssellRulesQuery } from './crosssell-rules.query';

@QueryHandler(ListCrosssellRulesQuery)
export class ListCrosssellRulesHandler implements IQueryHandler<ListCrosssellRulesQuery> {
  constructor(
    private readonly reader: CustomerReader,
    private readonly aggregates: CrosssellAggregatesCache,
    private readonly lag: ModelLag,
  ) {}

  async execute({ filter }: ListCrosssellRulesQuery) {
    const { version, collection, policy } = await this.reader.active('crosssell');
    const { stats } = await this.aggregates.get(collection, policy);
    const all = associationRules(stats, {
      level: filter.level,
      minSupport: filter.minSupport,
      minConfidence: filter.minConfidence,
      sortBy: filter.sort,
    });
    const matching =
      filter.antecedent === undefined ? all : all.filter((r) => r.antecedent === filter.antecedent);
    // Rules are in a total order (measure descending, then antecedent, consequent), so a page
    // resumes after the last rule it showed even when the counts moved in between.
    const cursor = filter.cursor;
    const start =
      cursor === undefined
        ? 0
        : matching.findIndex((r) => {
            const v = r[filter.sort];
            return (
              v < cursor.value ||
              (v === cursor.value &&
                (r.antecedent > cursor.antecedent ||
                  (r.antecedent === cursor.antecedent && r.consequent > cursor.consequent)))
            );
          });
    const from = start < 0 ? matching.length : start;
    const data = matching.slice(from, from + filter.limit);
    const last = data[data.length - 1];
    const more = from + filter.limit < matching.length;
    return {
      data,
      page: {
        next:
          more && last
            ? encodeCursor({
                value: last[filter.sort],
                antecedent: last.antecedent,
                consequent: last.consequent,
              })
            : null,
      },
      freshness: freshnessOf(
        'crosssell',
        version,
        undefined,
        await this.lag.lagMs('crosssell', version),
      ),
    };
  }
}

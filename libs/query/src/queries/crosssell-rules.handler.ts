import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { associationRules } from '@touchpoint/projections';
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
    const data = (
      filter.antecedent === undefined ? all : all.filter((r) => r.antecedent === filter.antecedent)
    ).slice(0, filter.limit);
    return {
      data,
      freshness: freshnessOf(
        'crosssell',
        version,
        undefined,
        await this.lag.lagMs('crosssell', version),
      ),
    };
  }
}

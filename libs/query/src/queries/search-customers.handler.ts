import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import {
  type Customer360State,
  type LoyaltyState,
  customer360Projection,
  customer360View,
  customerKey,
  loyaltyProjection,
  loyaltyView,
  normaliseEmail,
  normaliseLoyaltyCard,
  normalisePhone,
  parseSearchQuery,
} from '@touchpoint/projections';
import { type StoredProjectionDoc, readState } from '@touchpoint/read-models';
import { AuditService } from '../audit/audit.service';
import { maskEmail, maskPhone } from '../domain/masking';
import { encodeCursor } from '../domain/query-params';
import { CustomerReader } from '../read/customer-reader';
import { freshnessOf } from '../read/freshness';
import { ModelLag } from '../read/model-lag.service';
import { type Clock, QUERY_CLOCK } from '../tokens';
import {
  type CustomerSummary,
  type SearchCriterion,
  SearchCustomersQuery,
} from './search-customers.query';

type Lookup =
  /** `field` is a search field of the customer360 model found through its lookup. */
  | { readonly kind: 'exact'; readonly field: string; readonly value: string }
  | { readonly kind: 'prefix'; readonly field: string; readonly value: string }
  /** An agent who pastes a customer id from another system finds the customer directly. */
  | { readonly kind: 'id'; readonly value: string };

/** The indexed lookups a criterion means, with the same normalisers the projection used. */
function lookups(c: SearchCriterion): Lookup[] {
  const exact = (field: string, value: string): Lookup => ({ kind: 'exact', field, value });
  const name = (value: string): Lookup => ({
    kind: 'prefix',
    field: 'search.names',
    value: value.trim().toLowerCase().replace(/\s+/g, ' '),
  });
  switch (c.by) {
    case 'email':
      return [exact('emails', normaliseEmail(c.value))];
    case 'phone':
      return [exact('phones', normalisePhone(c.value))];
    case 'card':
      return [exact('loyaltyCards', normaliseLoyaltyCard(c.value))];
    case 'name':
      return [name(c.value)];
    case 'q': {
      const q = parseSearchQuery(c.value);
      if (q === null) return [];
      switch (q.field) {
        case 'email':
          return [exact('emails', q.value)];
        case 'phone':
          return [exact('phones', q.value)];
        case 'nameOrCard':
          return [
            exact('loyaltyCards', q.card),
            name(q.value),
            { kind: 'id', value: c.value.trim() },
          ];
      }
    }
  }
}

function fullName(state: Customer360State): string | null {
  const n = state.profile.name?.value;
  if (!n) return null;
  const text = [n.given, n.family].filter((p) => p && p.length > 0).join(' ');
  return text.length > 0 ? text : null;
}

@QueryHandler(SearchCustomersQuery)
export class SearchCustomersHandler implements IQueryHandler<SearchCustomersQuery> {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    private readonly reader: CustomerReader,
    private readonly lag: ModelLag,
    private readonly audit: AuditService,
    @Inject(QUERY_CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: SearchCustomersQuery) {
    const { version, collection, policy } = await this.reader.active('customer360');
    const after = q.cursor?.after;
    // Parsed once: states of heavy customers run to hundreds of kilobytes.
    const found = new Map<string, Customer360State>();
    const state = (doc: StoredProjectionDoc) =>
      readState<Customer360State>(doc, customer360Projection);
    for (const l of lookups(q.criterion)) {
      if (l.value.length === 0) continue;
      if (l.kind === 'id') {
        const key = customerKey(l.value);
        const doc = await this.store.get<StoredProjectionDoc>(collection, key);
        if (doc && (after === undefined || key > after)) found.set(key, state(doc));
      } else if (l.kind === 'prefix') {
        const rows = await this.store.findByPrefix<StoredProjectionDoc>(
          collection,
          l.field,
          l.value,
          {
            afterId: after,
            limit: q.limit + 1,
          },
        );
        for (const r of rows) found.set(r.id, state(r.doc));
      } else {
        const matches = await this.reader.exactMatches(version, collection, l.field, l.value);
        for (const m of matches) {
          if (after === undefined || m.key > after) found.set(m.key, m);
        }
      }
    }
    // Visitors carry no contact data of their own; only customers are results.
    const ids = [...found.keys()].filter((k) => k.startsWith('customer:')).sort();
    const pageIds = ids.slice(0, q.limit);
    const now = this.clock();
    const loyaltyServed = await this.reader.active('loyalty');
    const loyalty = await this.reader.ownStates<LoyaltyState>(
      'loyalty',
      loyaltyServed.version,
      loyaltyServed.collection,
      loyaltyProjection,
      pageIds,
    );
    const data: CustomerSummary[] = pageIds.map((id) => {
      const customer = found.get(id)!;
      const view = customer360View(customer, now, policy);
      const l = loyalty.get(id);
      const email = view.contact.email;
      const phone = view.contact.phone;
      return {
        customerId: customer.id,
        name: fullName(customer),
        email: email === null || q.reader.pii ? email : maskEmail(email),
        phone: phone === null || q.reader.pii ? phone : maskPhone(phone),
        loyaltyCardId: view.contact.loyaltyCardId,
        lifecycleStage: view.lifecycle.stage,
        tier: l ? loyaltyView(l, now, loyaltyServed.policy).tier : null,
      };
    });
    await this.audit.profileRead(
      q.reader,
      'search',
      data.map((d) => d.customerId),
      q.reader.pii ? ['contact.email', 'contact.phone'] : [],
    );
    const last = pageIds[pageIds.length - 1];
    return {
      data,
      page: { next: ids.length > q.limit && last ? encodeCursor({ after: last }) : null },
      freshness: freshnessOf(
        'customer360',
        version,
        undefined,
        await this.lag.lagMs('customer360', version),
      ),
    };
  }
}

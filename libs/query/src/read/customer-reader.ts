import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@touchpoint/core';
import { READ_MODEL_STORE, type ReadModelStore } from '@touchpoint/ports';
import {
  type Customer360State,
  type CustomerBasketsState,
  EMPTY_BASKETS_STATE,
  type LoyaltyState,
  customerKey,
  initialLoyaltyState,
  mergeCustomerStates,
  relatedKeys,
} from '@touchpoint/projections';
import { ModelCatalog, type StoredProjectionDoc } from '@touchpoint/projector';
import { type Freshness, freshnessOf } from './freshness';
import { ModelLag } from './model-lag.service';

/** A document of the active version of a model, with how fresh it is. */
export interface Served<S> {
  readonly state: S;
  readonly version: string;
  readonly freshness: Freshness;
}

/** Customers merged into merged ones, visitors of absorbed customers…: a generous bound. */
const MAX_RELATED = 200;

/**
 * Reads customer documents from the ACTIVE version of each model, resolved per request through
 * the model catalog, so a promote switches every reader at once.
 */
@Injectable()
export class CustomerReader {
  private readonly catalog: ModelCatalog;

  constructor(
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore,
    private readonly lag: ModelLag,
  ) {
    this.catalog = new ModelCatalog(store);
  }

  async active(model: string): Promise<{ version: string; collection: string }> {
    return this.catalog.activeCollection(model);
  }

  /**
   * The customer's 360 state with linked visitors and absorbed customers folded in at read
   * time (visitor and customer documents evolve separately). 404 when no document exists.
   */
  async customer360(customerId: string): Promise<Served<Customer360State>> {
    const { version, collection } = await this.active('customer360');
    const key = customerKey(customerId);
    const doc = await this.store.get<StoredProjectionDoc>(collection, key);
    if (!doc) {
      throw AppError.notFound('customer_not_found', `no customer with id ${customerId}`);
    }
    const primary = JSON.parse(doc.state) as Customer360State;
    const seen = new Set([key]);
    const others: Customer360State[] = [];
    let frontier = relatedKeys(primary).filter((k) => !seen.has(k));
    while (frontier.length > 0 && seen.size < MAX_RELATED) {
      frontier.forEach((k) => seen.add(k));
      const docs = await this.store.getMany<StoredProjectionDoc>(collection, frontier);
      const next: string[] = [];
      for (const d of docs.values()) {
        const state = JSON.parse(d.state) as Customer360State;
        others.push(state);
        next.push(...relatedKeys(state).filter((k) => !seen.has(k)));
      }
      frontier = [...new Set(next)];
    }
    return {
      state: mergeCustomerStates(primary, others),
      version,
      freshness: freshnessOf(
        'customer360',
        version,
        doc,
        await this.lag.lagMs('customer360', version),
      ),
    };
  }

  /** 404 unless the customer has a 360 document (every known customer has one). */
  async requireCustomer(customerId: string): Promise<void> {
    const { collection } = await this.active('customer360');
    const key = customerKey(customerId);
    const found = await this.store.versions(collection, [key]);
    if (!found.has(key)) {
      throw AppError.notFound('customer_not_found', `no customer with id ${customerId}`);
    }
  }

  /** The loyalty account; a known customer without one yet has an empty account. */
  async loyalty(customerId: string): Promise<Served<LoyaltyState>> {
    return this.optional('loyalty', customerId, initialLoyaltyState);
  }

  async crosssell(customerId: string): Promise<Served<CustomerBasketsState>> {
    return this.optional('crosssell', customerId, () => EMPTY_BASKETS_STATE);
  }

  private async optional<S>(
    model: string,
    customerId: string,
    initial: (key: string) => S,
  ): Promise<Served<S>> {
    const { version, collection } = await this.active(model);
    const key = customerKey(customerId);
    const doc = await this.store.get<StoredProjectionDoc>(collection, key);
    return {
      state: doc ? (JSON.parse(doc.state) as S) : initial(key),
      version,
      freshness: freshnessOf(model, version, doc, await this.lag.lagMs(model, version)),
    };
  }
}

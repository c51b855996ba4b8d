import { Query } from '@nestjs/cqrs';
import type { Principal } from '../auth/jwt';
import type { Envelope } from './envelope';

/** What an agent looks a customer up by; values are normalised before the indexed lookup. */
export type SearchCriterion =
  | { readonly by: 'email' | 'phone' | 'card' | 'name'; readonly value: string }
  /** The console's free-text box: the kind is guessed (e-mail, phone, card or name). */
  | { readonly by: 'q'; readonly value: string };

export interface CustomerSummary {
  readonly customerId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly loyaltyCardId: string | null;
  readonly lifecycleStage: string;
  readonly tier: string | null;
}

/** Where the previous page ended: the last document id (search results are in id order). */
export interface SearchCursor {
  readonly after: string;
}

export class SearchCustomersQuery extends Query<Envelope<CustomerSummary[]>> {
  constructor(
    readonly criterion: SearchCriterion,
    readonly limit: number,
    readonly cursor: SearchCursor | undefined,
    readonly reader: Principal,
  ) {
    super();
  }
}

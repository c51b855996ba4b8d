import { Query } from '@nestjs/cqrs';
import type { Customer360View } from '@touchpoint/projections';
import type { Principal } from '../auth/jwt';
import type { Envelope } from './envelope';

/** The 360 view of one customer, as of an instant, masked for the reader. */
export class GetCustomer360Query extends Query<Envelope<Customer360View>> {
  constructor(
    readonly customerId: string,
    readonly asOf: Date,
    readonly reader: Principal,
  ) {
    super();
  }
}

import {
  ERASURE_REASONS,
  IDENTIFICATION_METHODS,
  type ConsentFlags,
  type CustomerErasedPayload,
  type CustomerIdentifiedPayload,
  type CustomerMergedPayload,
  type CustomerProfileUpdatedPayload,
  type CustomerRegisteredPayload,
  type ErasureReason,
  type IdentificationMethod,
  type PersonName,
  type PostalAddress,
} from './catalogue.types';
import {
  Bool,
  CalendarDate,
  Country,
  Email,
  Id,
  Nested,
  OneOf,
  Phone,
  Str,
} from './field-rules.decorators';

export class PersonNameDto implements PersonName {
  @Str({ optional: true, max: 100 })
  given?: string;

  @Str({ optional: true, max: 100 })
  family?: string;
}

export class PostalAddressDto implements PostalAddress {
  @Str({ max: 200 })
  line1!: string;

  @Str({ optional: true, max: 200 })
  line2?: string;

  @Str({ max: 100 })
  city!: string;

  @Str({ optional: true, max: 100 })
  region?: string;

  @Str({ optional: true, max: 20 })
  postalCode?: string;

  @Country()
  country!: string;
}

export class ConsentFlagsDto implements ConsentFlags {
  @Bool({ optional: true })
  email?: boolean;

  @Bool({ optional: true })
  sms?: boolean;

  @Bool({ optional: true })
  phone?: boolean;

  @Bool({ optional: true })
  post?: boolean;

  @Bool({ optional: true, doc: 'May profile data be used for personalised offers.' })
  profiling?: boolean;
}

export class CustomerRegisteredPayloadV1Dto implements CustomerRegisteredPayload {
  @Nested(() => PersonNameDto, { optional: true })
  name?: PersonNameDto;

  @Email({ optional: true })
  email?: string;

  @Phone({ optional: true, doc: 'International format, e.g. +86 138 0013 8000.' })
  phone?: string;

  @CalendarDate({ optional: true })
  birthDate?: string;

  @Nested(() => PostalAddressDto, { optional: true })
  address?: PostalAddressDto;

  @Id({ optional: true })
  loyaltyCardId?: string;

  @Nested(() => ConsentFlagsDto, { optional: true })
  consent?: ConsentFlagsDto;
}

export class CustomerProfileUpdatedPayloadV1Dto implements CustomerProfileUpdatedPayload {
  @Nested(() => PersonNameDto, { optional: true, doc: 'Replaces the whole name; null clears it.' })
  name?: PersonNameDto | null;

  @Email({ optional: true, doc: 'null clears it.' })
  email?: string | null;

  @Phone({ optional: true, doc: 'International format; null clears it.' })
  phone?: string | null;

  @CalendarDate({ optional: true, doc: 'null clears it.' })
  birthDate?: string | null;

  @Nested(() => PostalAddressDto, {
    optional: true,
    doc: 'Replaces the whole address; null clears it.',
  })
  address?: PostalAddressDto | null;

  @Id({ optional: true, doc: 'null clears it.' })
  loyaltyCardId?: string | null;

  @Nested(() => ConsentFlagsDto, { optional: true, doc: 'Flags merge one by one.' })
  consent?: ConsentFlagsDto;
}

export class CustomerIdentifiedPayloadV1Dto implements CustomerIdentifiedPayload {
  @OneOf(IDENTIFICATION_METHODS, { doc: 'How the visitor was recognised.' })
  method!: IdentificationMethod;
}

export class CustomerMergedPayloadV1Dto implements CustomerMergedPayload {
  @Id({ doc: 'The duplicate folded into the envelope customerId and retired.' })
  mergedCustomerId!: string;

  @Str({ optional: true, max: 500 })
  reason?: string;
}

export class CustomerErasedPayloadV1Dto implements CustomerErasedPayload {
  @OneOf(ERASURE_REASONS)
  reason!: ErasureReason;

  @Id({ optional: true, doc: 'Reference of the data-subject request.' })
  requestId?: string;
}

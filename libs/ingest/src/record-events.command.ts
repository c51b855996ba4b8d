import type { FieldViolation } from '@touchpoint/core';
import type { Principal } from './api-key';

export class RecordEventsCommand {
  constructor(
    readonly items: readonly unknown[],
    readonly principal: Principal,
    readonly correlationId: string,
  ) {}
}

export type ItemResult =
  | {
      readonly index: number;
      readonly status: 'accepted';
      readonly eventId: string;
      readonly partition: number;
      readonly offset: string;
    }
  | {
      readonly index: number;
      readonly status: 'duplicate';
      readonly eventId: string;
      /** Where the first copy is (absent when the first copy is in the same request). */
      readonly duplicateOf?:
        { readonly partition: number; readonly offset: string } | { readonly index: number };
    }
  | {
      readonly index: number;
      readonly status: 'rejected';
      readonly eventId?: string;
      readonly code: string;
      readonly message: string;
      readonly violations: readonly FieldViolation[];
    };

export interface RecordOutcome {
  readonly receivedAt: string;
  readonly results: readonly ItemResult[];
}

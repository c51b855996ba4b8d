/**
 * The agent API as the console sees it (AGENT-API-CONTRACT.md). Read-model payloads are the
 * projection libraries' own view types, so a change there fails the console's type check.
 */
export type {
  ChannelActivity,
  Customer360View,
  MonthlySpend,
  OpenComplaint,
  TimelineEntry,
} from '@touchpoint/projections';
export type { LoyaltyView } from '@touchpoint/projections';
export type { Recommendation, Rule } from '@touchpoint/projections';

export type Role = 'agent' | 'supervisor' | 'analyst' | 'admin';

export interface Me {
  readonly sub: string;
  readonly role: Role;
  readonly pii: boolean;
  readonly expiresAt: string;
}

export interface Freshness {
  readonly model: string;
  readonly version: string;
  readonly position: { readonly partition: number; readonly offset: string } | null;
  readonly occurredAt: string | null;
  readonly lagMs: number | null;
}

export interface Envelope<T> {
  readonly data: T;
  readonly freshness?: Freshness | readonly Freshness[];
  readonly page?: { readonly next: string | null };
}

export interface CustomerSummary {
  readonly customerId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly loyaltyCardId: string | null;
  readonly lifecycleStage: string;
  readonly tier: string | null;
}

export type NextBestActionKind =
  'resolve_complaint' | 'greeting' | 'occasion_reminder' | 'recommendation' | 'win_back' | 'none';

export interface NextBestAction {
  readonly kind: NextBestActionKind;
  readonly title: string;
  readonly reason: string;
  readonly ref?: string;
}

export interface TimelinePage<E> {
  readonly items: readonly E[];
  readonly next: string | null;
}

/** `data` of a change notice on /v1/customers/{id}/stream. */
export interface ChangeNotice {
  readonly model: string;
  readonly version: string;
  readonly customerId: string;
  readonly occurredAt: string | null;
  readonly committedAt: string;
}

export interface ErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly category?: string;
    readonly message?: string;
    readonly violations?: readonly { path: string; code?: string; message: string }[];
  };
  readonly correlationId?: string;
}

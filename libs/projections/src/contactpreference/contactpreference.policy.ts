/**
 * How responsiveness is scored. A channel's score is a smoothed response rate: (responses +
 * inboundWeight × inbound + priorResponses) / (attempts + inboundWeight × inbound +
 * priorAttempts). The prior keeps one lucky answer from beating a long, steady record.
 */
export interface ContactPreferencePolicy {
  readonly priorResponses: number;
  readonly priorAttempts: number;
  /** Weight of a contact the customer started (an inbound call, a visit) as a response. */
  readonly inboundWeight: number;
  /** Fewer attempts plus inbound contacts than this and a channel is not ranked. */
  readonly minEvidence: number;
}

export const DEFAULT_CONTACT_PREFERENCE_POLICY: ContactPreferencePolicy = {
  priorResponses: 1,
  priorAttempts: 2,
  inboundWeight: 0.5,
  minEvidence: 2,
};

export type ContactPreferencePolicyResult =
  | { readonly ok: true; readonly policy: ContactPreferencePolicy }
  | { readonly ok: false; readonly errors: string[] };

/** Partial input merged over the defaults; every field must be a finite number ≥ 0. */
export function parseContactPreferencePolicy(raw: unknown): ContactPreferencePolicyResult {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: ['expected an object'] };
  }
  const input = raw as Record<string, unknown>;
  const errors: string[] = [];
  const out: Record<string, number> = { ...DEFAULT_CONTACT_PREFERENCE_POLICY };
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULT_CONTACT_PREFERENCE_POLICY)) {
      errors.push(`${key}: unknown field`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      errors.push(`${key}: expected a number ≥ 0, got ${JSON.stringify(value)}`);
    } else {
      out[key] = value;
    }
  }
  if (errors.length === 0 && out.priorAttempts! < out.priorResponses!) {
    errors.push('priorAttempts: must be at least priorResponses');
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, policy: out as unknown as ContactPreferencePolicy };
}

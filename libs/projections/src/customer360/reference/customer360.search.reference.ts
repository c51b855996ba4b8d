// Test oracle: the unbounded customer360 model as of f29dec1, kept verbatim; spec files only.
import { type PersonName } from '@touchpoint/contracts';

/**
 * Normalised forms an agent's lookup is matched against. The store indexes these arrays; the
 * same normalisers run on what the agent types, so `+86-138-0013-8000`, `+86 138 0013 8000` and
 * `8613800138000` all meet at `8613800138000`.
 */
export interface SearchKeys {
  readonly emails: readonly string[];
  /** Digits only, country code included (the contract requires international numbers). */
  readonly phones: readonly string[];
  /** Lower-cased name parts and the full name, for prefix search. */
  readonly names: readonly string[];
  readonly loyaltyCards: readonly string[];
}

interface SearchableProfile {
  readonly name?: { readonly value: PersonName | null };
  readonly email?: { readonly value: string | null };
  readonly phone?: { readonly value: string | null };
  readonly loyaltyCardId?: { readonly value: string | null };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normalisePhone(phone: string): string {
  return phone.replace(/\D/g, '');
}

export function normaliseLoyaltyCard(cardId: string): string {
  return cardId.trim().toUpperCase();
}

export function normaliseName(name: PersonName): string[] {
  const parts = [name.given, name.family]
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.trim().toLowerCase().replace(/\s+/g, ' '))
    .filter((p) => p.length > 0);
  const keys = new Set(parts);
  if (parts.length > 1) keys.add(parts.join(' '));
  return [...keys].sort();
}

const one = (value: string | null | undefined, f: (v: string) => string): string[] =>
  typeof value === 'string' && f(value).length > 0 ? [f(value)] : [];

export function deriveSearchKeys(profile: SearchableProfile): SearchKeys {
  const name = profile.name?.value;
  return {
    emails: one(profile.email?.value, normaliseEmail),
    phones: one(profile.phone?.value, normalisePhone),
    names: name ? normaliseName(name) : [],
    loyaltyCards: one(profile.loyaltyCardId?.value, normaliseLoyaltyCard),
  };
}

/**
 * What a free-text lookup should be compared with: an e-mail when it has an `@`, a phone when
 * it is mostly digits and separators, else a name prefix or a loyalty card.
 */
export type SearchQuery =
  | { readonly field: 'email'; readonly value: string }
  | { readonly field: 'phone'; readonly value: string }
  | { readonly field: 'nameOrCard'; readonly value: string; readonly card: string };

export function parseSearchQuery(input: string): SearchQuery | null {
  const text = input.trim();
  if (text.length === 0) return null;
  if (text.includes('@')) return { field: 'email', value: normaliseEmail(text) };
  if (/^\+?[\d\s().-]+$/.test(text)) {
    const digits = normalisePhone(text);
    return digits.length > 0 ? { field: 'phone', value: digits } : null;
  }
  return {
    field: 'nameOrCard',
    value: text.toLowerCase().replace(/\s+/g, ' '),
    card: normaliseLoyaltyCard(text),
  };
}

/** Exact match on e-mail and phone, prefix match on names, exact match on loyalty card. */
export function matchesSearch(keys: SearchKeys, input: string): boolean {
  const q = parseSearchQuery(input);
  if (q === null) return false;
  switch (q.field) {
    case 'email':
      return keys.emails.includes(q.value);
    case 'phone':
      return keys.phones.includes(q.value);
    case 'nameOrCard':
      return keys.names.some((n) => n.startsWith(q.value)) || keys.loyaltyCards.includes(q.card);
  }
}

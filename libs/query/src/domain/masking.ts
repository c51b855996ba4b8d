import type { PostalAddress } from '@touchpoint/contracts';
import type { Customer360View } from '@touchpoint/projections';

/** Paths of the personal data an agent without the PII scope never sees in clear. */
export const PII_FIELDS = [
  'contact.email',
  'contact.phone',
  'profile.birthDate',
  'profile.address',
] as const;
export type PiiField = (typeof PII_FIELDS)[number];

/** `mei.lin@example.cn` → `m***@example.cn`: enough to confirm with the caller, not to copy. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** `+86 138 0013 8000` → `+86 *** **** 8000`: the country code and the last four digits stay. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const last = digits.slice(-4);
  const cc = /^\+(\d{1,3})[\s.-]/.exec(phone.trim())?.[1];
  return `${cc ? `+${cc} ` : ''}*** **** ${last.length === 4 ? last : '****'}`;
}

export const MASKED_DATE = '****-**-**';

/** Only the country remains: enough to route a call, nothing to find the door. */
export function maskAddress(address: PostalAddress): PostalAddress {
  return { line1: '***', city: '***', country: address.country };
}

/** Which PII fields of this view a reader with `pii` sees in clear (for the audit log). */
export function unmaskedFields(view: Customer360View, pii: boolean): PiiField[] {
  if (!pii) return [];
  const present: Record<PiiField, boolean> = {
    'contact.email': view.contact.email !== null,
    'contact.phone': view.contact.phone !== null,
    'profile.birthDate': view.profile.birthDate !== null,
    'profile.address': view.profile.address !== null,
  };
  return PII_FIELDS.filter((f) => present[f]);
}

/**
 * The view as an agent without the PII scope may see it. The normalised search keys would
 * reveal the same e-mail and phone, so they are masked too; names are not personal data in
 * this policy (agents greet callers by name).
 */
export function maskCustomer360(view: Customer360View, pii: boolean): Customer360View {
  if (pii) return view;
  return {
    ...view,
    contact: {
      ...view.contact,
      email: view.contact.email === null ? null : maskEmail(view.contact.email),
      phone: view.contact.phone === null ? null : maskPhone(view.contact.phone),
    },
    profile: {
      birthDate: view.profile.birthDate === null ? null : MASKED_DATE,
      address: view.profile.address === null ? null : maskAddress(view.profile.address),
    },
    searchKeys: {
      ...view.searchKeys,
      emails: view.searchKeys.emails.map(maskEmail),
      phones: view.searchKeys.phones.map(maskPhone),
    },
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { type Channel, type EventType, isChannel, isEventType } from '@touchpoint/contracts';
import { AppError } from '@touchpoint/core';

/**
 * A channel application's credential. Only a hash of the secret is stored; the key itself is
 * shown once, at creation. `types` is the list of event types the key may send, or ['*'].
 */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly secretHash: string;
  readonly channel: Channel;
  readonly types: readonly (EventType | '*')[];
  /** Recorded as the events' `source`. */
  readonly source: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
  /** Set when the key was rotated: the key that replaced it. */
  readonly replacedBy?: string;
  /** Increases with every change; the store's version guard. */
  readonly revision: number;
}

export interface Principal {
  readonly keyId: string;
  readonly channel: Channel;
  readonly types: readonly (EventType | '*')[];
  readonly source: string;
}

const KEY_PATTERN = /^tpk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function formatKey(keyId: string, secret: string): string {
  return `tpk_${keyId}_${secret}`;
}

export function parseKey(presented: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(presented.trim());
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(record: ApiKeyRecord, secret: string): boolean {
  const a = Buffer.from(record.secretHash, 'hex');
  const b = Buffer.from(hashSecret(secret), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface NewKeyInput {
  readonly channel: string;
  readonly types: readonly string[];
  readonly source?: string;
  /** 8 random bytes for the id and 32 for the secret, supplied by the caller. */
  readonly random: { readonly id: Buffer; readonly secret: Buffer };
  readonly now: Date;
}

/** Validates a key request and builds its record plus the one-time plaintext key. */
export function newApiKey(input: NewKeyInput): { record: ApiKeyRecord; key: string } {
  if (!isChannel(input.channel)) {
    throw AppError.validation('invalid_channel', `unknown channel '${input.channel}'`);
  }
  const types = input.types.map((t) => t.trim()).filter((t) => t.length > 0);
  if (types.length === 0)
    throw AppError.validation('invalid_types', 'give at least one event type, or *');
  const unknown = types.filter((t) => t !== '*' && !isEventType(t));
  if (unknown.length > 0) {
    throw AppError.validation('invalid_types', `unknown event type(s): ${unknown.join(', ')}`);
  }
  const keyId = input.random.id.toString('hex').slice(0, 16);
  const secret = input.random.secret.toString('base64url').slice(0, 43);
  const record: ApiKeyRecord = {
    keyId,
    secretHash: hashSecret(secret),
    channel: input.channel,
    types: types.includes('*') ? ['*'] : (types as EventType[]),
    source: input.source?.trim() || `${input.channel}-${keyId.slice(0, 6)}`,
    createdAt: input.now.toISOString(),
    revision: 1,
  };
  return { record, key: formatKey(keyId, secret) };
}

export function mayRecord(principal: Principal, type: EventType): boolean {
  return principal.types.includes('*') || principal.types.includes(type);
}

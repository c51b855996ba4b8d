import { AppError } from '@touchpoint/core';
import { mayRecord, newApiKey, parseKey, secretMatches } from '@touchpoint/ingest';

const random = { id: Buffer.alloc(8, 0xab), secret: Buffer.alloc(32, 7) };
const now = new Date('2026-11-24T00:00:00Z');

describe('API keys', () => {
  it('given a valid request, when a key is made, then only a hash of its secret is kept and it verifies', () => {
    const { record, key } = newApiKey({
      channel: 'store',
      types: ['purchase.completed'],
      random,
      now,
    });
    const parsed = parseKey(key);
    expect(parsed?.keyId).toBe(record.keyId);
    expect(JSON.stringify(record)).not.toContain(parsed!.secret);
    expect(secretMatches(record, parsed!.secret)).toBe(true);
    expect(secretMatches(record, parsed!.secret.replace(/.$/, 'x'))).toBe(false);
    expect(record).toMatchObject({
      channel: 'store',
      types: ['purchase.completed'],
      createdAt: now.toISOString(),
      revision: 1,
    });
  });

  it('given a scope, then the key may record only its types (or all with *)', () => {
    const narrow = newApiKey({ channel: 'web', types: ['web.visited'], random, now }).record;
    const wide = newApiKey({ channel: 'web', types: ['*', 'web.visited'], random, now }).record;
    expect(mayRecord(narrow, 'web.visited')).toBe(true);
    expect(mayRecord(narrow, 'purchase.completed')).toBe(false);
    expect(wide.types).toEqual(['*']);
    expect(mayRecord(wide, 'purchase.completed')).toBe(true);
  });

  it.each([
    [{ channel: 'fax', types: ['*'] }, 'invalid_channel'],
    [{ channel: 'web', types: ['web.visitd'] }, 'invalid_types'],
    [{ channel: 'web', types: [' '] }, 'invalid_types'],
  ])('given %j, then it is refused with %s', (input, code) => {
    expect(() => newApiKey({ ...input, random, now })).toThrow(AppError);
    try {
      newApiKey({ ...input, random, now });
    } catch (e) {
      expect((e as AppError).code).toBe(code);
    }
  });

  it('given malformed presented keys, then they do not parse', () => {
    expect(parseKey('')).toBeUndefined();
    expect(parseKey('tpk_short_secret')).toBeUndefined();
    expect(parseKey('Bearer tpk_abababababababab_' + 'a'.repeat(43))).toBeUndefined();
  });
});

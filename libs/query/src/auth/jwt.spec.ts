import { createHmac } from 'node:crypto';
import { parseTtl, signJwt, verifyJwt } from './jwt';

const SECRET = 'a-test-secret-that-is-long-enough-123';
const NOW = 1_800_000_000;
const opts = { secret: SECRET, algorithms: ['HS256'] as const, now: NOW, clockSkewSeconds: 30 };
const claims = {
  sub: 'agent-7',
  role: 'agent' as const,
  pii: false,
  iat: NOW - 10,
  exp: NOW + 3600,
};
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token with any header and payload, correctly signed with HS256 over whatever is given. */
function handMade(header: unknown, payload: unknown, secret = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('verifyJwt', () => {
  it('Given a token signed with the secret, When verified, Then the principal carries sub, role, pii and exp', () => {
    const result = verifyJwt(signJwt({ ...claims, pii: true }, SECRET), opts);
    expect(result).toEqual({
      ok: true,
      principal: { sub: 'agent-7', role: 'agent', pii: true, exp: NOW + 3600, iat: NOW - 10 },
    });
  });

  it('Given a signature made with another secret, When verified, Then it is refused as invalid', () => {
    const result = verifyJwt(signJwt(claims, 'another-secret-that-is-long-enough-1'), opts);
    expect(result).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('Given a payload altered after signing, When verified, Then the signature no longer matches', () => {
    const [h, , s] = signJwt(claims, SECRET).split('.');
    const forged = `${h}.${b64({ ...claims, role: 'admin' })}.${s}`;
    expect(verifyJwt(forged, opts)).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('Given alg none with an empty signature, When verified, Then it is refused before any signature check', () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(verifyJwt(none, opts)).toMatchObject({ ok: false, code: 'token_invalid' });
    expect(verifyJwt(none, opts)).toMatchObject({ reason: expect.stringMatching(/"none"/) });
  });

  it('Given alg none even with the allow-list mistakenly listing it, When verified, Then it is still refused', () => {
    const none = `${b64({ alg: 'none' })}.${b64(claims)}.c2ln`;
    const loose = { ...opts, algorithms: ['none'] as unknown as readonly ['HS256'] };
    expect(verifyJwt(none, loose)).toMatchObject({ ok: false, code: 'token_invalid' });
  });

  it('Given a valid HS512 token when only HS256 is allowed, When verified, Then the algorithm is refused', () => {
    expect(verifyJwt(signJwt(claims, SECRET, 'HS512'), opts)).toMatchObject({
      ok: false,
      code: 'token_invalid',
      reason: expect.stringMatching(/HS512/),
    });
    expect(
      verifyJwt(signJwt(claims, SECRET, 'HS512'), { ...opts, algorithms: ['HS256', 'HS512'] }),
    ).toMatchObject({ ok: true });
  });

  it('Given a header claiming HS256 over an HS512 signature, When verified, Then it does not match', () => {
    const [, p, s] = signJwt(claims, SECRET, 'HS512').split('.');
    expect(verifyJwt(`${b64({ alg: 'HS256' })}.${p}.${s}`, opts)).toMatchObject({ ok: false });
  });

  it('Given an expired token, When verified, Then it is refused as expired (with the clock skew allowed)', () => {
    expect(verifyJwt(signJwt({ ...claims, exp: NOW - 31 }, SECRET), opts)).toMatchObject({
      ok: false,
      code: 'token_expired',
    });
    expect(verifyJwt(signJwt({ ...claims, exp: NOW - 29 }, SECRET), opts)).toMatchObject({
      ok: true,
    });
    expect(
      verifyJwt(signJwt({ ...claims, exp: NOW }, SECRET), { ...opts, clockSkewSeconds: 0 }),
    ).toMatchObject({ ok: false, code: 'token_expired' });
  });

  it.each([
    ['sub missing', { ...claims, sub: undefined }, /sub/],
    ['sub empty', { ...claims, sub: '' }, /sub/],
    ['role missing', { ...claims, role: undefined }, /role/],
    ['role unknown', { ...claims, role: 'root' }, /role/],
    ['exp missing', { ...claims, exp: undefined }, /exp/],
    ['exp a string', { ...claims, exp: String(NOW + 60) }, /exp/],
    ['pii a string', { ...claims, pii: 'yes' }, /pii/],
    ['iat in the future', { ...claims, iat: NOW + 3000 }, /future/],
  ])(
    'Given %s, When verified, Then the token is invalid naming the claim',
    (_what, payload, reason) => {
      expect(verifyJwt(handMade({ alg: 'HS256' }, payload), opts)).toMatchObject({
        ok: false,
        code: 'token_invalid',
        reason: expect.stringMatching(reason),
      });
    },
  );

  it.each([
    ['two parts', 'a.b'],
    ['garbage', 'not a token'],
    ['a header that is not JSON', `${Buffer.from('{').toString('base64url')}.${b64(claims)}.x`],
    ['a payload that is an array', handMade({ alg: 'HS256' }, [1, 2])],
  ])('Given %s, When verified, Then it is invalid', (_what, token) => {
    expect(verifyJwt(token, opts)).toMatchObject({ ok: false, code: 'token_invalid' });
  });
});

describe('parseTtl', () => {
  it('Given durations with units, When parsed, Then seconds; else undefined', () => {
    expect([parseTtl('45s'), parseTtl('30m'), parseTtl('8h'), parseTtl('2d')]).toEqual([
      45, 1800, 28800, 172800,
    ]);
    expect([parseTtl('0h'), parseTtl('8'), parseTtl('h'), parseTtl('-1h')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

import { AppError } from '@touchpoint/core';
import { signJwt } from './jwt';
import { TokenVerifier } from './token-verifier';

const SECRET = 'a-test-secret-that-is-long-enough-123';
const NOW = 1_800_000_000;
const claims = { sub: 'agent-7', role: 'agent' as const, pii: true, iat: NOW - 10, exp: NOW + 60 };

function verifier() {
  let now = NOW;
  const v = new TokenVerifier(SECRET, ['HS256'], 30, () => new Date(now * 1000));
  return { v, setNow: (s: number) => (now = s) };
}

/** The code of the 401 the call throws, if it does. */
function refusal(call: () => unknown): string | undefined {
  try {
    call();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError';
  }
}

describe('TokenVerifier', () => {
  it('Given a token verified once, When presented again, Then the same principal is returned', () => {
    const { v } = verifier();
    const token = signJwt(claims, SECRET);
    const first = v.verify(token);
    expect(v.verify(token)).toBe(first);
    expect(first).toMatchObject({ sub: 'agent-7', role: 'agent', pii: true });
  });

  it('Given a remembered token, When its expiry (with the clock skew) has passed, Then it is refused as expired', () => {
    const { v, setNow } = verifier();
    const token = signJwt(claims, SECRET);
    v.verify(token);
    setNow(NOW + 60 + 29);
    expect(v.verify(token).sub).toBe('agent-7');
    setNow(NOW + 60 + 30);
    expect(refusal(() => v.verify(token))).toBe('token_expired');
  });

  it('Given a remembered token, When a token differing in its signature is presented, Then it is refused', () => {
    const { v } = verifier();
    const token = signJwt(claims, SECRET);
    v.verify(token);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(refusal(() => v.verify(forged))).toBe('token_invalid');
  });
});

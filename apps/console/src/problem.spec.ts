import { describeProblem } from './problem';

const ctx = { what: 'this customer', customerId: 'c-404', role: 'agent' };

describe('problems in words', () => {
  it('Given a 404 customer_not_found, When described, Then it names the id', () => {
    const p = describeProblem(404, { error: { code: 'customer_not_found' } }, ctx);
    expect(p.title).toBe('Customer not found');
    expect(p.detail).toContain('c-404');
  });

  it('Given a 400 with violations, When described, Then each parameter and its reason is named', () => {
    const p = describeProblem(
      400,
      {
        error: { violations: [{ path: 'asOf', message: 'an ISO-8601 instant' }] },
        correlationId: 'corr-1',
      },
      ctx,
    );
    expect(p.title).toBe('The request was not accepted');
    expect(p.detail).toContain('asOf: an ISO-8601 instant');
    expect(p.reference).toBe('corr-1');
  });

  it('Given each 401 code, When described, Then expired, missing and invalid tokens read differently', () => {
    const title = (code: string | undefined) =>
      describeProblem(401, { error: { code } }, ctx).title;
    expect(title('token_expired')).toBe('Your session has expired');
    expect(title('token_missing')).toBe('You are not signed in');
    expect(title('token_invalid')).toBe('This access token is not valid');
    expect(title(undefined)).toBe('This access token is not valid');
  });

  it('Given a 403, When described, Then it names the role and what was refused', () => {
    const p = describeProblem(403, { error: { code: 'forbidden' } }, { ...ctx, what: 'the rules' });
    expect(p.detail).toBe('Your role (agent) does not give access to the rules. Ask a supervisor.');
  });

  it('Given no answer at all or a server fault, When described, Then neither is blank', () => {
    expect(describeProblem(0, null, ctx).title).toBe('Cannot reach the Touchpoint server');
    const p = describeProblem(500, null, ctx);
    expect(p.title).toBe('Something went wrong on the server');
    expect(p.detail).toContain('status 500');
  });
});

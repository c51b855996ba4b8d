import {
  DEFAULT_CUSTOMER360_POLICY,
  DEFAULT_DETAIL_EVENTS,
  parseCustomer360Policy,
  TIMELINE_RETAINED,
} from './customer360.policy';

describe('parseCustomer360Policy', () => {
  it('Given nothing, When parsed, Then the default policy', () => {
    expect(parseCustomer360Policy(undefined)).toEqual({
      ok: true,
      policy: DEFAULT_CUSTOMER360_POLICY,
    });
    expect(parseCustomer360Policy({})).toEqual({ ok: true, policy: DEFAULT_CUSTOMER360_POLICY });
  });

  it('Given a partial policy, When parsed, Then given fields override and the rest default', () => {
    expect(
      parseCustomer360Policy({ timeZone: 'Asia/Shanghai', lifecycle: { lapsedAfterDays: 400 } }),
    ).toEqual({
      ok: true,
      policy: {
        timeZone: 'Asia/Shanghai',
        lifecycle: { atRiskAfterDays: 180, lapsedAfterDays: 400, activeMinFrequency: 1 },
        timelineSize: TIMELINE_RETAINED,
        horizonDays: 400,
        detailEvents: DEFAULT_DETAIL_EVENTS,
      },
    });
  });

  it('Given bad values, When parsed, Then every error names the field and the expected form', () => {
    const result = parseCustomer360Policy({
      timeZone: 'Mars/Olympus',
      lifecycle: { atRiskAfterDays: 1.5, lapsedAfterDays: 100, colour: 'red' },
      timelineSize: 500,
      horizonDays: 0,
      detailEvents: 10,
      extra: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^timeZone: expected an IANA time zone name/),
        expect.stringMatching(/^lifecycle\.atRiskAfterDays: expected an integer from 1 to/),
        expect.stringMatching(/^lifecycle\.colour: unknown field/),
        expect.stringMatching(
          new RegExp(`^timelineSize: expected an integer from 1 to ${TIMELINE_RETAINED}`),
        ),
        expect.stringMatching(/^horizonDays: expected a whole number of days from 1/),
        expect.stringMatching(
          new RegExp(`^detailEvents: expected an integer from ${TIMELINE_RETAINED} to 200`),
        ),
        expect.stringMatching(/^extra: unknown field/),
      ]),
    );
  });

  it('Given a horizon and a detail cap, When parsed, Then both are kept', () => {
    const result = parseCustomer360Policy({ horizonDays: 30, detailEvents: 120 });
    expect(result).toEqual({
      ok: true,
      policy: { ...DEFAULT_CUSTOMER360_POLICY, horizonDays: 30, detailEvents: 120 },
    });
  });

  it('Given lapsed not after at-risk, When parsed, Then it is refused', () => {
    const result = parseCustomer360Policy({
      lifecycle: { atRiskAfterDays: 200, lapsedAfterDays: 100 },
    });
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^lifecycle\.lapsedAfterDays: expected more days than/)],
    });
  });

  it('Given a non-object, When parsed, Then a clear error', () => {
    expect(parseCustomer360Policy('fast')).toEqual({
      ok: false,
      errors: ['policy: expected a JSON object'],
    });
  });
});

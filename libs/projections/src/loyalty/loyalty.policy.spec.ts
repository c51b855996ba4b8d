import { DEFAULT_LOYALTY_POLICY, parseLoyaltyPolicy } from './loyalty.policy';

const clone = (): Record<string, unknown> =>
  JSON.parse(JSON.stringify(DEFAULT_LOYALTY_POLICY)) as Record<string, unknown>;

const errorsOf = (raw: unknown): string[] => {
  const result = parseLoyaltyPolicy(raw);
  return result.ok ? [] : result.errors;
};

describe('DEFAULT_LOYALTY_POLICY', () => {
  it('Given the defaults, When described, Then they are the documented v1 thresholds', () => {
    expect(DEFAULT_LOYALTY_POLICY.version).toBe('v1');
    expect(DEFAULT_LOYALTY_POLICY.windowDays).toBe(365);
    expect(DEFAULT_LOYALTY_POLICY.earning).toEqual({ pointsPerMajorUnit: 1, rounding: 'floor' });
    expect(
      DEFAULT_LOYALTY_POLICY.tiers.map((t) => [
        t.name,
        t.minPurchases,
        t.minSpend,
        t.minTenureDays,
      ]),
    ).toEqual([
      ['occasional', 0, 0, null],
      ['loyal', 4, 100_000, null],
      ['very_loyal', 8, 500_000, 365],
    ]);
    expect(DEFAULT_LOYALTY_POLICY.tiers.map((t) => t.outreach)).toEqual([
      { greetings: false, recommendations: false },
      { greetings: false, recommendations: true },
      { greetings: true, recommendations: true },
    ]);
  });

  it('Given the defaults as JSON, When parsed, Then they come back unchanged', () => {
    expect(parseLoyaltyPolicy(clone())).toEqual({ ok: true, policy: DEFAULT_LOYALTY_POLICY });
  });
});

describe('parseLoyaltyPolicy', () => {
  it('Given an empty object, When parsed, Then every field takes its default', () => {
    expect(parseLoyaltyPolicy({})).toEqual({ ok: true, policy: DEFAULT_LOYALTY_POLICY });
  });

  it('Given a v2 that needs 12 purchases for very_loyal, When parsed, Then only that threshold changes', () => {
    const raw = clone();
    const tiers = raw.tiers as Record<string, unknown>[];
    (tiers[2] as Record<string, unknown>).minPurchases = 12;
    const result = parseLoyaltyPolicy({ ...raw, version: 'v2' });
    expect(result.ok && result.policy.tiers[2]?.minPurchases).toBe(12);
    expect(result.ok && result.policy.version).toBe('v2');
  });

  it('Given a time zone, a horizon and a detail cap, When parsed, Then they replace the defaults (UTC, 400 days, 40 events)', () => {
    expect([
      DEFAULT_LOYALTY_POLICY.timeZone,
      DEFAULT_LOYALTY_POLICY.horizonDays,
      DEFAULT_LOYALTY_POLICY.maxDetailEvents,
    ]).toEqual(['UTC', 400, 40]);
    const result = parseLoyaltyPolicy({
      timeZone: 'Asia/Shanghai',
      horizonDays: 30,
      maxDetailEvents: 20,
    });
    expect(
      result.ok && [
        result.policy.timeZone,
        result.policy.horizonDays,
        result.policy.maxDetailEvents,
      ],
    ).toEqual(['Asia/Shanghai', 30, 20]);
  });

  it('Given a tier without minTenureDays, When parsed, Then it has no tenure requirement', () => {
    const raw = clone();
    const tiers = raw.tiers as Record<string, unknown>[];
    delete (tiers[2] as Record<string, unknown>).minTenureDays;
    const result = parseLoyaltyPolicy(raw);
    expect(result.ok && result.policy.tiers[2]?.minTenureDays).toBeNull();
  });

  it.each([
    ['not an object', 42, ['$: expected an object']],
    ['an array', [], ['$: expected an object']],
    ['an unknown field', { windowDay: 30 }, ['windowDay: unknown field (expected one of']],
    [
      'a fractional window',
      { windowDays: 36.5 },
      ['windowDays: expected an integer from 1 to 3660, got 36.5'],
    ],
    ['a zero window', { windowDays: 0 }, ['windowDays: expected an integer from 1 to 3660, got 0']],
    [
      'a bad currency',
      { spendCurrency: 'yuan' },
      ['spendCurrency: expected an ISO 4217 code like "CNY", got "yuan"'],
    ],
    ['a bad version', { version: '' }, ['version: expected a short label like "v2"']],
    [
      'a bad rounding',
      { earning: { pointsPerMajorUnit: 1, rounding: 'ceil' } },
      ['earning.rounding: expected "floor" or "half_up", got "ceil"'],
    ],
    [
      'a negative rate',
      { earning: { pointsPerMajorUnit: -1, rounding: 'floor' } },
      ['earning.pointsPerMajorUnit: expected an integer from 0 to 1000000, got -1'],
    ],
    ['an earning that is not an object', { earning: 1 }, ['earning: expected an object']],
    ['no tiers', { tiers: [] }, ['tiers: expected a non-empty array']],
    [
      'an unknown time zone',
      { timeZone: 'Mars/Olympus' },
      ['timeZone: expected an IANA time zone name such as "UTC" or "Asia/Shanghai"'],
    ],
    ['a zero horizon', { horizonDays: 0 }, ['horizonDays: expected a whole number of days']],
    [
      'a detail cap too small to read a window',
      { maxDetailEvents: 5 },
      ['maxDetailEvents: expected an integer from 10 to 1000, got 5'],
    ],
  ])(
    'Given %s, When parsed, Then the error names the field and the expected form',
    (_what, raw, expected) => {
      const errors = errorsOf(raw);
      expect(errors).toHaveLength(expected.length);
      expected.forEach((prefix, i) => expect(errors[i]).toContain(prefix));
    },
  );

  const tier = (
    name: string,
    minPurchases: number,
    minSpend: number,
    minTenureDays: number | null = null,
  ) => ({
    name,
    minPurchases,
    minSpend,
    minTenureDays,
    outreach: { greetings: false, recommendations: false },
  });

  it('Given a base tier with thresholds, When parsed, Then it is rejected because someone would have no tier', () => {
    expect(errorsOf({ tiers: [tier('occasional', 1, 0)] })).toEqual([
      expect.stringContaining('tiers[0]: the first (base) tier must have minPurchases 0'),
    ]);
  });

  it('Given tiers out of order, When parsed, Then every decreasing threshold is named', () => {
    expect(
      errorsOf({ tiers: [tier('a', 0, 0), tier('b', 8, 500, 30), tier('c', 4, 100)] }),
    ).toEqual([
      'tiers[2].minPurchases: expected at least 8 (tiers are ordered lowest first and thresholds never decrease), got 4',
      'tiers[2].minSpend: expected at least 500 (tiers are ordered lowest first and thresholds never decrease), got 100',
      'tiers[2].minTenureDays: expected at least 30 (tiers are ordered lowest first and thresholds never decrease), got 0',
      expect.stringContaining('tiers[2]: expected at least one threshold above tiers[1] ("b")'),
    ]);
  });

  it('Given a tier no stricter than the one below, When parsed, Then it is rejected as unreachable', () => {
    expect(errorsOf({ tiers: [tier('a', 0, 0), tier('b', 0, 0)] })).toEqual([
      expect.stringContaining('tiers[1]: expected at least one threshold above tiers[0] ("a")'),
    ]);
  });

  it('Given duplicate names, When parsed, Then the duplicate is named', () => {
    expect(errorsOf({ tiers: [tier('a', 0, 0), tier('a', 1, 0)] })).toEqual([
      'tiers[1].name: duplicate tier name "a"',
    ]);
  });

  it('Given a malformed tier, When parsed, Then each bad field is reported with its path', () => {
    const errors = errorsOf({
      tiers: [
        {
          name: 'Very Loyal',
          minPurchases: '8',
          minSpend: -1,
          outreach: { greetings: 'yes' },
          extra: 1,
        },
      ],
    });
    expect(errors).toEqual([
      expect.stringContaining('tiers[0].extra: unknown field'),
      expect.stringContaining('tiers[0].name: expected a lower-case slug'),
      'tiers[0].minPurchases: expected an integer from 0 to 1000000, got "8"',
      expect.stringContaining('tiers[0].minSpend: expected an integer from 0 to'),
      'tiers[0].outreach.greetings: expected true or false, got "yes"',
      'tiers[0].outreach.recommendations: expected true or false, got undefined',
    ]);
  });

  it('Given a tier that is not an object, When parsed, Then the error shows the expected form', () => {
    expect(errorsOf({ tiers: ['loyal'] })).toEqual([
      'tiers[0]: expected an object {name, minPurchases, minSpend, minTenureDays?, outreach}',
    ]);
  });
});

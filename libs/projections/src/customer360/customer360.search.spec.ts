import { deriveSearchKeys, normalisePhone, parseSearchQuery } from './customer360.search';

describe('customer360 search keys', () => {
  it.each(['8613800138000', '+86-138-0013-8000', '+86 138 0013 8000', '+86 (138) 0013.8000'])(
    'Given the phone %s, When normalised, Then 8613800138000',
    (phone) => {
      expect(normalisePhone(phone)).toBe('8613800138000');
    },
  );

  it('Given a profile, When keys are derived, Then e-mail lower-cased, phone digits, name parts lower-cased', () => {
    expect(
      deriveSearchKeys({
        name: { value: { given: ' Mei ', family: 'LIN' } },
        email: { value: 'MEI.LIN@Example.cn' },
        phone: { value: '+86 138 0013 8000' },
        loyaltyCardId: { value: null },
      }),
    ).toEqual({
      emails: ['mei.lin@example.cn'],
      phones: ['8613800138000'],
      names: ['lin', 'mei', 'mei lin'],
      loyaltyCards: [],
    });
  });

  it('Given typed lookups, When parsed, Then each is routed to the right field', () => {
    expect(parseSearchQuery(' MEI.LIN@example.cn ')).toEqual({
      field: 'email',
      value: 'mei.lin@example.cn',
    });
    expect(parseSearchQuery('+86-138-0013-8000')).toEqual({
      field: 'phone',
      value: '8613800138000',
    });
    expect(parseSearchQuery('Mei  Lin')).toEqual({
      field: 'nameOrCard',
      value: 'mei lin',
      card: 'MEI  LIN',
    });
    expect(parseSearchQuery('   ')).toBeNull();
  });
});

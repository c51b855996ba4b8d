import {
  DEFAULT_CUSTOMER360_POLICY,
  customer360View,
  initialCustomer360State,
} from '@touchpoint/projections';
import { maskCustomer360, maskEmail, maskPhone, unmaskedFields } from './masking';

function meiView() {
  const base = customer360View(
    initialCustomer360State('customer:c-1'),
    new Date('2026-05-01T00:00:00Z'),
    DEFAULT_CUSTOMER360_POLICY,
  );
  return {
    ...base,
    contact: {
      name: { given: 'Mei', family: 'Lin' },
      email: 'mei.lin@example.cn',
      phone: '+86 138 0013 8000',
      loyaltyCardId: 'HC-000123',
    },
    profile: {
      birthDate: '1990-05-14',
      address: {
        line1: '88 Century Avenue',
        city: 'Shanghai',
        postalCode: '200120',
        country: 'CN',
      },
    },
    searchKeys: {
      emails: ['mei.lin@example.cn'],
      phones: ['8613800138000'],
      names: ['lin', 'mei', 'mei lin'],
      loyaltyCards: ['HC-000123'],
    },
  };
}

describe('masking personal data', () => {
  it('Given e-mails, When masked, Then the first letter and the domain remain', () => {
    expect(maskEmail('mei.lin@example.cn')).toBe('m***@example.cn');
    expect(maskEmail('x@y.z')).toBe('x***@y.z');
    expect(maskEmail('no-at-sign')).toBe('***');
  });

  it('Given phones in any format, When masked, Then only the country code and the last four digits remain', () => {
    expect(maskPhone('+86 138 0013 8000')).toBe('+86 *** **** 8000');
    expect(maskPhone('+86-138-0013-8000')).toBe('+86 *** **** 8000');
    expect(maskPhone('8613800138000')).toBe('*** **** 8000');
    expect(maskPhone('12')).toBe('*** **** ****');
  });

  it('Given a reader without the PII scope, When the view is masked, Then no e-mail, phone, birth date or street is left anywhere in it', () => {
    const masked = maskCustomer360(meiView(), false);
    expect(masked.contact).toEqual({
      name: { given: 'Mei', family: 'Lin' },
      email: 'm***@example.cn',
      phone: '+86 *** **** 8000',
      loyaltyCardId: 'HC-000123',
    });
    expect(masked.profile).toEqual({
      birthDate: '****-**-**',
      address: { line1: '***', city: '***', country: 'CN' },
    });
    expect(JSON.stringify(masked)).not.toMatch(
      /mei\.lin@|0013|13800138000|1990|Century|Shanghai|200120/,
    );
    expect(unmaskedFields(masked, false)).toEqual([]);
  });

  it('Given a reader with the PII scope, When the view is masked, Then it is unchanged and the audit names every field shown', () => {
    const view = meiView();
    expect(maskCustomer360(view, true)).toBe(view);
    expect(unmaskedFields(view, true)).toEqual([
      'contact.email',
      'contact.phone',
      'profile.birthDate',
      'profile.address',
    ]);
  });

  it('Given a view without personal data, When masked, Then absent fields stay null and none is reported unmasked', () => {
    const view = {
      ...meiView(),
      contact: { name: null, email: null, phone: null, loyaltyCardId: null },
      profile: { birthDate: null, address: null },
    };
    expect(maskCustomer360(view, false).profile).toEqual({ birthDate: null, address: null });
    expect(maskCustomer360(view, false).contact.email).toBeNull();
    expect(unmaskedFields(view, true)).toEqual([]);
  });
});

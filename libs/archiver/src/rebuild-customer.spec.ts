import { diffPaths, identityKeys } from './rebuild-customer';

describe('diffPaths', () => {
  it('given equal states in another key order, then there is no difference', () => {
    expect(diffPaths({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('given differing states, then each differing path is named', () => {
    expect(
      diffPaths({ a: 1, b: { c: [1, 2], d: 'x' }, e: true }, { a: 2, b: { c: [1, 3], d: 'x' } }),
    ).toEqual(['$.a', '$.b.c[1]', '$.e']);
    expect(diffPaths({ list: [1] }, { list: [1, 2] })).toEqual(['$.list.length']);
    expect(diffPaths({ x: null }, { x: {} })).toEqual(['$.x']);
  });
});

describe('identityKeys', () => {
  it('given customer and visitor streams, then they map to the models’ document keys', () => {
    expect(identityKeys(['customer-c-1', 'visitor-v-2', 'customer-c-3'])).toEqual([
      'customer:c-1',
      'visitor:v-2',
      'customer:c-3',
    ]);
  });
});

import { csvCell, flatten } from './export.writer';

describe('export to CSV', () => {
  it('given a nested view, then leaves become dotted columns and arrays stay JSON', () => {
    expect(
      Object.fromEntries(
        flatten({ tier: 'loyal', window: { spend: 120, from: null }, tags: ['a'] }),
      ),
    ).toEqual({ tier: 'loyal', 'window.spend': '120', 'window.from': 'null', tags: '["a"]' });
  });

  it('given commas, quotes and line breaks, then cells are quoted per RFC 4180', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });
});

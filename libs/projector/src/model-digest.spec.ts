import fc from 'fast-check';
import { ContentDigest } from './model-digest';

const docs = fc.uniqueArray(
  fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), state: fc.jsonValue() }),
  { selector: (d) => d.id, maxLength: 30 },
);

function digestOf(rows: readonly { id: string; state: unknown }[]): string {
  const d = new ContentDigest();
  for (const r of rows) d.add(r.id, r.state);
  return d.value();
}

describe('ContentDigest', () => {
  it('given the same documents in any order, when digested, then the digest is the same', () => {
    fc.assert(
      fc.property(docs, fc.integer(), (rows, seed) => {
        const shuffled = [...rows].sort(
          (a, b) => ((a.id.charCodeAt(0) * seed) % 7) - ((b.id.charCodeAt(0) * seed) % 7),
        );
        expect(digestOf(shuffled)).toBe(digestOf(rows));
      }),
    );
  });

  it('given one document changed, dropped or added, when digested, then the digest differs', () => {
    fc.assert(
      fc.property(
        docs.filter((rows) => rows.length > 0),
        (rows) => {
          const [first, ...rest] = rows;
          const before = digestOf(rows);
          expect(digestOf([{ id: first!.id, state: { changed: first!.state } }, ...rest])).not.toBe(
            before,
          );
          expect(digestOf(rest)).not.toBe(before);
          expect(digestOf([...rows, { id: `${first!.id}+`, state: null }])).not.toBe(before);
        },
      ),
    );
  });

  it('given keys that differ only in where the id ends, when digested, then the digests differ', () => {
    expect(digestOf([{ id: 'a', state: 'bc' }])).not.toBe(digestOf([{ id: 'ab', state: 'c' }]));
  });
});

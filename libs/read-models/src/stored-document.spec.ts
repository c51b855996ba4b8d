import { isAppError } from '@touchpoint/core';
import { type StoredProjectionDoc, readState } from './stored-document';

const doc = (schema: number | undefined): StoredProjectionDoc => ({
  state: JSON.stringify({ orders: 3 }),
  watermarks: {},
  revision: 1,
  ...(schema === undefined ? {} : { schema }),
});

describe('stored states and their schema', () => {
  it('Given a document written with the projection’s schema, When read, Then its state parses', () => {
    expect(readState(doc(2), { model: 'loyalty', stateSchema: 2 })).toEqual({ orders: 3 });
  });

  it('Given a document without a schema (written before schemas were stored), When a schema-1 projection reads it, Then it parses', () => {
    expect(readState(doc(undefined), { model: 'contactpreference' })).toEqual({ orders: 3 });
  });

  it('Given a document another release wrote in another shape, When read, Then it is refused with a code, a category and the upgrade steps', () => {
    let thrown: unknown;
    try {
      readState(doc(undefined), { model: 'loyalty', stateSchema: 2 });
    } catch (e) {
      thrown = e;
    }
    expect(isAppError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'state_schema_mismatch', category: 'unavailable' });
    expect((thrown as Error).message).toContain('touchpoint replay loyalty --as');
    expect((thrown as Error).message).toContain('state schema 1');
  });
});

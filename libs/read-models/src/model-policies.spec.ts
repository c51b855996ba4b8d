import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICIES, loadModelPolicies } from './model-policies';
import { StartupError } from '@touchpoint/platform';
import { tempDir } from '@touchpoint/testing';

describe('loadModelPolicies (MODELS_CONFIG)', () => {
  it('given no file, then the documented defaults apply', () => {
    expect(loadModelPolicies(undefined)).toBe(DEFAULT_POLICIES);
  });

  it('given docs/models.default.json, then it equals the defaults (the example never drifts)', () => {
    expect(
      loadModelPolicies(join(__dirname, '..', '..', '..', 'docs', 'models.default.json')),
    ).toEqual(DEFAULT_POLICIES);
  });

  it('given bad fields, then start-up stops naming MODELS_CONFIG and each field', () => {
    const file = join(tempDir(), 'models.json');
    writeFileSync(file, JSON.stringify({ loyalty: { windowDays: -3 }, crosssel: {} }));
    let error: unknown;
    try {
      loadModelPolicies(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).variable).toBe('MODELS_CONFIG');
    expect((error as StartupError).message).toMatch(/crosssel: not a model/);
    expect((error as StartupError).message).toMatch(/loyalty\.windowDays/);
  });

  it('given a file that is not JSON, then the message says so', () => {
    const file = join(tempDir(), 'models.json');
    writeFileSync(file, '{ nope');
    expect(() => loadModelPolicies(file)).toThrow(/cannot read model policies/);
  });
});

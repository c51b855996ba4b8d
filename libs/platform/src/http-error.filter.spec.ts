import type { ErrorCategory } from '@touchpoint/core';
import { statusFor } from '@touchpoint/platform';

describe('statusFor', () => {
  it.each<[ErrorCategory, number]>([
    ['validation', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['too_large', 413],
    ['unsupported_media', 415],
    ['rate_limited', 429],
    ['internal', 500],
    ['unavailable', 503],
  ])('given category %s, then HTTP %d', (category, status) => {
    expect(statusFor(category)).toBe(status);
  });
});

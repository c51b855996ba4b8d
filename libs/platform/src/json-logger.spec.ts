import { JsonLogger, requestContext } from '@touchpoint/platform';

describe('JsonLogger', () => {
  it('given a request context, when logging, then each line is JSON with the correlation id and fields', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', { app: 'test' }, (l) => lines.push(l)).child({
      component: 'c',
    });
    requestContext.run({ correlationId: 'corr-1' }, () => logger.info('hello', { n: 1 }));
    logger.debug('hidden below the level');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      level: 'info',
      msg: 'hello',
      app: 'test',
      component: 'c',
      correlationId: 'corr-1',
      n: 1,
    });
    expect(typeof parsed.time).toBe('string');
  });
});

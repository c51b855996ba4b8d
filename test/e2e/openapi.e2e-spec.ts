import { type RunningApp, startApp } from '@touchpoint/platform';
import { tempDir } from '@touchpoint/testing';
import { touchpointApp } from '../../apps/touchpoint/src/touchpoint.app';

interface Operation {
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, Record<string, unknown>> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

/** The document /docs shows, as the all-in-one serves it ("Try it out" sends what it declares). */
describe('the OpenAPI document of the all-in-one (/docs-json)', () => {
  let app: RunningApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    app = await startApp(touchpointApp, { PORT: '0', DATA_DIR: tempDir(), LOG_LEVEL: 'error' });
    const res = await fetch(`${app.url}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await app?.close();
  });

  function operations(prefix: string): { route: string; op: Operation }[] {
    return Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(prefix))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => METHODS.includes(method))
          .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
      );
  }

  it('declares the bearer-token scheme and the API-key scheme', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    });
  });

  it('requires the bearer token on every /v1 agent operation, and the API key on ingest', () => {
    const agent = operations('/v1/').filter(({ route }) => !/ \/v1\/events(\/|$)/.test(route));
    // Not vacuous: the agent routes the README lists are in the document.
    expect(agent.map((a) => a.route)).toEqual(
      expect.arrayContaining([
        'GET /v1/customers',
        'GET /v1/customers/{id}',
        'GET /v1/customers/{id}/loyalty',
        'GET /v1/customers/{id}/recommendations',
        'GET /v1/customers/{id}/timeline',
        'GET /v1/customers/{id}/next-best-action',
        'GET /v1/customers/{id}/stream',
        'GET /v1/supervisor/stream',
        'GET /v1/crosssell/rules',
        'GET /v1/me',
      ]),
    );
    const withoutBearer = agent
      .filter(({ op }) => !op.security?.some((s) => 'bearer' in s))
      .map((a) => a.route);
    expect(withoutBearer).toEqual([]);
    for (const { op } of agent) expect(Object.keys(op.responses ?? {})).toContain('401');

    const ingest = operations('/v1/events');
    expect(ingest.map((i) => i.route).sort()).toEqual(['POST /v1/events', 'POST /v1/events/batch']);
    for (const { op } of ingest) expect(op.security).toEqual([{ apiKey: [] }]);
  });
});

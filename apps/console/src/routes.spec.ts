import { parseRoute, routeHref } from './routes';

describe('console routes', () => {
  it('Given addresses, When parsed, Then search, customer (with asOf) and rules pages are told apart', () => {
    expect(parseRoute('/', '?q=mei')).toEqual({ page: 'search', q: 'mei' });
    expect(parseRoute('/customers/c%2F1', '?asOf=2026-01-01')).toEqual({
      page: 'customer',
      id: 'c/1',
      asOf: '2026-01-01',
    });
    expect(parseRoute('/rules', '')).toEqual({ page: 'rules' });
    expect(parseRoute('/anything/else', '')).toEqual({ page: 'search', q: '' });
  });

  it('Given a route, When turned into an address and parsed back, Then it is the same route', () => {
    const routes = [
      { page: 'search', q: '+86 138 0013 8000' },
      { page: 'customer', id: 'c-1088', asOf: null },
      { page: 'customer', id: 'c 1/2', asOf: '2025-05-01T00:00:00+08:00' },
      { page: 'rules' },
    ] as const;
    for (const r of routes) {
      const url = new URL(routeHref(r), 'http://x');
      expect(parseRoute(url.pathname, url.search)).toEqual(r);
    }
  });
});

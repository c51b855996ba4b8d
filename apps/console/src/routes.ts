/** The console's addresses; pure so they can be tested without a browser. */
export type Route =
  | { readonly page: 'search'; readonly q: string }
  | { readonly page: 'rules' }
  | { readonly page: 'customer'; readonly id: string; readonly asOf: string | null };

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  if (/^\/rules\/?$/.test(pathname)) return { page: 'rules' };
  const m = /^\/customers\/([^/]+)\/?$/.exec(pathname);
  if (m?.[1] !== undefined) {
    let id: string;
    try {
      id = decodeURIComponent(m[1]);
    } catch {
      id = m[1];
    }
    return { page: 'customer', id, asOf: params.get('asOf') };
  }
  return { page: 'search', q: params.get('q') ?? '' };
}

export function routeHref(route: Route): string {
  if (route.page === 'rules') return '/rules';
  if (route.page === 'customer') {
    const base = `/customers/${encodeURIComponent(route.id)}`;
    return route.asOf === null ? base : `${base}?asOf=${encodeURIComponent(route.asOf)}`;
  }
  return route.q === '' ? '/' : `/?q=${encodeURIComponent(route.q)}`;
}

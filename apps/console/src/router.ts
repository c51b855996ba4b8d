import { useEffect, useState } from 'preact/hooks';

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

const listeners = new Set<() => void>();

export function navigate(href: string): void {
  if (href === `${location.pathname}${location.search}`) return;
  history.pushState(null, '', href);
  listeners.forEach((l) => l());
}

/** Follows the address bar: links, back and forward all go through it. */
export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** For <a href> inside the app: a plain click navigates in place, modified clicks open tabs. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
    return;
  }
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (a === null) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}

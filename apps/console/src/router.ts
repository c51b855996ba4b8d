import { useEffect, useState } from 'preact/hooks';
import { type Route, parseRoute } from './routes';

export { type Route, parseRoute, routeHref } from './routes';

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

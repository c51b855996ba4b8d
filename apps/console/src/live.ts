import { useEffect, useRef, useState } from 'preact/hooks';
import { type ChangeNotice } from './api.types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'paused';

const COALESCE_MS = 80;
const RETRY_MS = 3000;

/**
 * Follows /v1/customers/{id}/stream. EventSource cannot send headers, so the token goes in the
 * query string (the contract allows it for SSE routes). Notices arriving together are coalesced
 * into one call naming every model that changed. When the server refuses the stream (the browser
 * then gives up for good), `onRefused` decides whether it is the token; we retry after a pause.
 */
export function useCustomerStream(
  token: string,
  customerId: string,
  enabled: boolean,
  onChange: (models: ReadonlySet<string>) => void,
  onRefused: () => void,
): LiveState {
  const [state, setState] = useState<LiveState>(enabled ? 'connecting' : 'paused');
  const handlers = useRef({ onChange, onRefused });
  handlers.current = { onChange, onRefused };

  useEffect(() => {
    if (!enabled) {
      setState('paused');
      return;
    }
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    let pending = new Set<string>();
    let stopped = false;

    const connect = () => {
      setState('connecting');
      const url = `/v1/customers/${encodeURIComponent(customerId)}/stream?access_token=${encodeURIComponent(token)}`;
      const es = new EventSource(url);
      source = es;
      es.onopen = () => setState('live');
      es.addEventListener('change', (ev: MessageEvent<string>) => {
        let model = '*';
        try {
          model = (JSON.parse(ev.data) as ChangeNotice).model;
        } catch {
          // An unreadable notice still means something changed: refresh everything.
        }
        pending.add(model);
        if (flush === undefined) {
          flush = setTimeout(() => {
            flush = undefined;
            const models = pending;
            pending = new Set();
            handlers.current.onChange(models);
          }, COALESCE_MS);
        }
      });
      es.onerror = () => {
        if (stopped) return;
        if (es.readyState === EventSource.CLOSED) {
          setState('reconnecting');
          handlers.current.onRefused();
          retry = setTimeout(connect, RETRY_MS);
        } else {
          setState('reconnecting');
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(retry);
      clearTimeout(flush);
    };
  }, [token, customerId, enabled]);

  return state;
}

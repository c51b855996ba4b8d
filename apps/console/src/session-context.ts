import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Me } from './api.types';
import { type Problem } from './problem';

export interface Session {
  readonly token: string;
  readonly me: Me;
  /** Every failed request reports here first; a 401 ends the session with its reason. */
  readonly report: (p: Problem) => void;
  /** Checks the token after the live stream was refused (EventSource hides the status). */
  readonly recheck: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside a signed-in view');
  return s;
}

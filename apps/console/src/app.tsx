import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson } from './api';
import { type Me } from './api.types';
import { CustomerPage } from './customer-page';
import { dateTime, label } from './format';
import { Login } from './login';
import { type Problem, describeProblem } from './problem';
import { navigate, onLinkClick, routeHref, useRoute } from './router';
import { RulesPage } from './rules-page';
import { SearchPage } from './search';
import { clearToken, loadToken, saveToken } from './session';
import { type Session, SessionContext } from './session-context';
import { Loading } from './ui';

type Auth =
  | { readonly state: 'checking'; readonly token: string }
  | { readonly state: 'signed-out'; readonly reason: Problem | null }
  | { readonly state: 'signed-in'; readonly token: string; readonly me: Me };

const SIGNED_OUT: Problem = {
  status: 0,
  code: null,
  title: 'You have signed out',
  detail: 'Paste a token to sign in again.',
  reference: null,
};

export function App() {
  const [auth, setAuth] = useState<Auth>(() => {
    const token = loadToken();
    return token === null ? { state: 'signed-out', reason: null } : { state: 'checking', token };
  });

  const signOut = useCallback((reason: Problem | null) => {
    clearToken();
    setAuth({ state: 'signed-out', reason });
  }, []);

  // A token kept from earlier in this tab is checked before anything is shown with it.
  useEffect(() => {
    if (auth.state !== 'checking') return;
    getJson<Me>(auth.token, '/v1/me', { what: 'your account' }).then(
      (res) => setAuth({ state: 'signed-in', token: auth.token, me: res.data }),
      (e: unknown) => {
        if (!(e instanceof ApiProblem)) throw e;
        if (e.problem.status === 401) signOut(e.problem);
        else setAuth({ state: 'signed-out', reason: e.problem });
      },
    );
  }, [auth, signOut]);

  // Say so when the token runs out, rather than failing on the next click.
  useEffect(() => {
    if (auth.state !== 'signed-in') return;
    const ms = Date.parse(auth.me.expiresAt) - Date.now();
    if (Number.isNaN(ms) || ms > 2 ** 31 - 1) return;
    const t = setTimeout(
      () => signOut(describeProblem(401, { error: { code: 'token_expired' } }, { what: '' })),
      Math.max(0, ms),
    );
    return () => clearTimeout(t);
  }, [auth, signOut]);

  if (auth.state === 'checking') {
    return (
      <main id="main" class="login">
        <Loading what="your session" />
      </main>
    );
  }
  if (auth.state === 'signed-out') {
    return (
      <Login
        reason={auth.reason}
        onSignedIn={(token, me) => {
          saveToken(token);
          setAuth({ state: 'signed-in', token, me });
        }}
      />
    );
  }
  return <Shell token={auth.token} me={auth.me} signOut={signOut} />;
}

function Shell({
  token,
  me,
  signOut,
}: {
  token: string;
  me: Me;
  signOut: (reason: Problem | null) => void;
}) {
  const route = useRoute();
  const [announcement, setAnnouncement] = useState('');
  const main = useRef<HTMLElement>(null);

  const session = useMemo<Session>(
    () => ({
      token,
      me,
      report: (p) => {
        if (p.status === 401) signOut(p);
      },
      recheck: () => {
        getJson<Me>(token, '/v1/me', { what: 'your account' }).catch((e: unknown) => {
          if (e instanceof ApiProblem && e.problem.status === 401) signOut(e.problem);
        });
      },
    }),
    [token, me, signOut],
  );

  // Move focus to the new page so keyboard and screen-reader users land on its content.
  const key =
    route.page === 'customer'
      ? `c:${route.id}:${route.asOf}`
      : route.page === 'rules'
        ? 'rules'
        : `s:${route.q}`;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [key]);
  useEffect(() => {
    if (route.page !== 'customer') document.title = 'Touchpoint console';
  }, [route]);

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/" onClick={onLinkClick}>
          <span class="brand-mark" aria-hidden="true">
            ◉
          </span>{' '}
          Touchpoint
        </a>
        <SearchBox initial={route.page === 'search' ? route.q : ''} />
        <nav aria-label="Sections" class="nav">
          <a
            href="/rules"
            onClick={onLinkClick}
            aria-current={route.page === 'rules' ? 'page' : undefined}
          >
            Cross-sell rules
          </a>
        </nav>
        <div class="who-am-i">
          <span class="user" title={`Session ends ${dateTime(me.expiresAt)}`}>
            <span class="sr-only">Signed in as </span>
            <strong>{me.sub}</strong> <span class="chip">{label(me.role)}</span>
            {!me.pii && (
              <span class="chip" title="Personal data is masked for your token">
                PII masked
              </span>
            )}
          </span>
          <button type="button" class="button secondary" onClick={() => signOut(SIGNED_OUT)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {route.page === 'customer' ? (
          <CustomerPage
            key={route.id}
            id={route.id}
            asOf={route.asOf}
            onAnnounce={setAnnouncement}
          />
        ) : route.page === 'rules' ? (
          <RulesPage />
        ) : (
          <SearchPage q={route.q} />
        )}
      </main>
      <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </SessionContext.Provider>
  );
}

function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const text = q.trim();
        navigate(routeHref({ page: 'search', q: text }));
      }}
    >
      <label for="q" class="sr-only">
        Find a customer
      </label>
      <input
        id="q"
        type="search"
        name="q"
        value={q}
        placeholder="E-mail, phone, card or name"
        autocomplete="off"
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      <button type="submit" class="button">
        Search
      </button>
    </form>
  );
}

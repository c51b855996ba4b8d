import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, getJson } from './api';
import { type Me } from './api.types';
import { type Problem } from './problem';
import { ProblemBox } from './ui';

/** Sign-in by pasting a token; the token is checked against /v1/me before it is kept. */
export function Login({
  reason,
  onSignedIn,
}: {
  reason: Problem | null;
  onSignedIn: (token: string, me: Me) => void;
}) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(reason);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim().replace(/^Bearer\s+/i, '');
    if (t === '') {
      setProblem({
        status: 401,
        code: 'token_missing',
        title: 'No token entered',
        detail: 'Paste the access token you were given, then press Sign in.',
        reference: null,
      });
      field.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const res = await getJson<Me>(t, '/v1/me', { what: 'your account' });
      onSignedIn(t, res.data);
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(err.problem);
      setBusy(false);
      field.current?.focus();
    }
  };

  return (
    <main id="main" class="login">
      <form class="login-card" onSubmit={(e) => void submit(e)} aria-describedby="login-help">
        <h1>
          <span class="brand-mark" aria-hidden="true">
            ◉
          </span>{' '}
          Touchpoint
        </h1>
        <p class="muted">Agent console — sign in with your access token.</p>
        {problem && <ProblemBox problem={problem} />}
        <label for="token">Access token</label>
        <textarea
          id="token"
          ref={field}
          name="token"
          rows={4}
          spellcheck={false}
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={problem !== null}
        />
        <p id="login-help" class="muted small">
          Create one with <code>touchpoint tokens create --role agent --pii</code>. It is kept in
          this browser tab only and forgotten when the tab closes.
        </p>
        <button type="submit" class="button" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import { render } from 'preact';
import { useErrorBoundary } from 'preact/hooks';
import { App } from './app';
import './styles.css';

/** A fault in the console itself is said in words, never left as a blank page. */
function Root() {
  const [error, reset] = useErrorBoundary() as [unknown, () => void];
  if (error !== undefined) {
    return (
      <main id="main" class="login">
        <div class="problem" role="alert">
          <p class="problem-title">The console ran into a problem</p>
          <p>{error instanceof Error ? error.message : 'An unexpected error occurred.'}</p>
          <button type="button" class="button" onClick={() => reset()}>
            Try again
          </button>{' '}
          <button type="button" class="button secondary" onClick={() => location.reload()}>
            Reload the page
          </button>
        </div>
      </main>
    );
  }
  return <App />;
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<Root />, root);
}

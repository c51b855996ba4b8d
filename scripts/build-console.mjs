// Bundles the agent console (apps/console) into dist/console: one hashed script and stylesheet
// under assets/ (cached for a year by the server) and an index.html that names them (never
// cached), so a new build is picked up on the next page load.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'apps/console');
const out = join(root, 'dist/console');

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(src, 'src/main.tsx')],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(src, 'tsconfig.json'),
  metafile: true,
  logLevel: 'warning',
});

const emitted = Object.keys(result.metafile.outputs).map((f) => basename(f));
const pick = (ext) => {
  const file = emitted.find((f) => f.startsWith('main-') && f.endsWith(ext));
  if (!file) throw new Error(`console build: no ${ext} output`);
  return `/assets/${file}`;
};
const html = (await readFile(join(src, 'index.html'), 'utf8'))
  .replace('%SCRIPT%', pick('.js'))
  .replace('%STYLESHEET%', pick('.css'));
await writeFile(join(out, 'index.html'), html);

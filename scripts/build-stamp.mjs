// Lets `npm start` skip the build when dist/ is current.
//
//   node scripts/build-stamp.mjs --begin          first step of `npm run build`: notes when it started
//   node scripts/build-stamp.mjs --end            last step: the build succeeded, dist/.build-stamp
//   node scripts/build-stamp.mjs --build-if-stale `prestart`: builds only when a source changed since
//
// The stamp holds the instant the last successful build *started*, so a file saved during a build
// counts as changed. Sources are everything the build reads: apps/, libs/, bench/ (directories
// too, so a deleted or renamed file counts; not the benchmarks' profiles and logs), the tsconfig
// files, the console bundler, package.json and the installed dependencies
// (node_modules/.package-lock.json, rewritten by npm ci/install).
// Tests are not built, so *.spec.ts files are not sources. `npm run build` always rebuilds.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const started = join(dist, '.build-started');
const entry = join(dist, 'apps', 'touchpoint', 'src', 'main.js');

const SOURCE_DIRS = ['apps', 'libs', 'bench'];
const SOURCE_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
  'scripts/build-console.mjs',
  'node_modules/.package-lock.json',
];
const NOT_BUILT = /\.(spec|int-spec|e2e-spec)\.ts$/;
// What benchmark runs write (git-ignored): outputs, not sources.
const OUTPUTS = new Set(['bench/profiles', 'bench/logs'].map((d) => join(root, d)));

/** The newest modification time among the build's inputs, and the path that has it. */
function newestSource() {
  let newest = { ms: 0, path: '' };
  const consider = (path, ms) => {
    if (ms > newest.ms) newest = { ms, path };
  };
  const walk = (dir) => {
    consider(dir, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.name === 'node_modules' || OUTPUTS.has(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (!NOT_BUILT.test(entry.name)) consider(path, statSync(path).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  for (const f of SOURCE_FILES) {
    const path = join(root, f);
    if (existsSync(path)) consider(path, statSync(path).mtimeMs);
  }
  return newest;
}

/** Why a build is needed, or undefined when dist/ is current. */
function staleness() {
  if (!existsSync(entry)) return 'dist/ has no build';
  if (!existsSync(stamp)) return 'the last build did not finish (or predates build stamps)';
  const builtFrom = Number(readFileSync(stamp, 'utf8').trim());
  if (!Number.isFinite(builtFrom)) return 'the build stamp is unreadable';
  const newest = newestSource();
  if (newest.ms > builtFrom)
    return `${newest.path.slice(root.length + 1)} changed since the last build`;
  return undefined;
}

const mode = process.argv[2];
if (mode === '--begin') {
  mkdirSync(dist, { recursive: true });
  // A build that fails from here on leaves no stamp: the next start builds again.
  rmSync(stamp, { force: true });
  writeFileSync(started, String(Date.now()));
} else if (mode === '--end') {
  if (existsSync(started)) renameSync(started, stamp);
} else if (mode === '--build-if-stale') {
  const t0 = performance.now();
  const reason = staleness();
  if (reason === undefined) {
    process.stderr.write(
      `touchpoint: the build is current (checked in ${Math.round(performance.now() - t0)} ms); \`npm run build\` forces a rebuild\n`,
    );
  } else {
    process.stderr.write(`touchpoint: building (${reason})\n`);
    const npm = process.env.npm_execpath;
    const run = npm
      ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], {
          cwd: root,
          stdio: 'inherit',
        })
      : spawnSync('npm', ['run', 'build', '--silent'], {
          cwd: root,
          stdio: 'inherit',
          shell: true,
        });
    process.exit(run.status ?? 1);
  }
} else {
  process.stderr.write('usage: node scripts/build-stamp.mjs --begin | --end | --build-if-stale\n');
  process.exit(2);
}

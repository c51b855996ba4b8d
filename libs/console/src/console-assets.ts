import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where `npm run build` puts the console bundle: `<repository>/dist/console`. Found from this
 * file's own location (the first ancestor holding package.json), so it is the same whether the
 * code runs compiled from dist/, from sources under Jest, or in the container image (/app).
 */
export function consoleAssetsDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(from, 'console');
    dir = parent;
  }
  return join(dir, 'dist', 'console');
}

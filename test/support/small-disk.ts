import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tempDir } from './helpers';

/** A directory on a size-limited tmpfs: a disk that fills up, for real, at `kib`. */
export interface SmallDisk {
  readonly dir: string;
  /** Grows (or shrinks) the file system in place; what is on it stays. */
  resize(kib: number): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `kib` KiB on a new temporary directory. It needs the right to mount (root,
 * as on CI here); where that is missing it throws a message that says so, and callers outside
 * CI skip with that message, never silently.
 */
export function smallDisk(kib: number, prefix = 'touchpoint-small-disk-'): SmallDisk {
  const dir = tempDir(prefix);
  const mount = (options: string) =>
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  try {
    mount(`size=${kib}k`);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || String(e);
    throw new Error(`cannot mount a small tmpfs for the full-disk test (needs root): ${why}`);
  }
  return {
    dir,
    resize: (size: number) => mount(`remount,size=${size}k`),
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether this process may mount a tmpfs; the reason when it may not. */
export function smallDiskUnavailable(): string | undefined {
  try {
    smallDisk(64).unmount();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

import fc from 'fast-check';
import { FoldQueue } from './fold-queue';

const beat = () => Promise.resolve();

describe('FoldQueue', () => {
  it('given batches handed over in the same tick, when folded, then one fold carries them all in hand-over order', async () => {
    const folds: number[][] = [];
    const queue = new FoldQueue<number>((items) => {
      folds.push([...items]);
      return Promise.resolve();
    });
    await Promise.all([queue.add([1, 2], beat), queue.add([3], beat), queue.add([4, 5], beat)]);
    expect(folds).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('given batches arriving while a fold runs, when it ends, then the next fold carries them and no two folds overlap', async () => {
    let running = 0;
    let overlapped = false;
    const folds: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((r) => (release = r));
    const queue = new FoldQueue<number>(async (items) => {
      running++;
      if (running > 1) overlapped = true;
      folds.push([...items]);
      if (folds.length === 1) await firstHeld;
      running--;
    });
    const first = queue.add([1], beat);
    await new Promise((r) => setImmediate(r));
    const later = [queue.add([2], beat), queue.add([3], beat)];
    release();
    await Promise.all([first, ...later]);
    expect(folds).toEqual([[1], [2, 3]]);
    expect(overlapped).toBe(false);
  });

  it('given a fold that fails, when its callers wait, then each of them is rejected with its error and the next fold still runs', async () => {
    const queue = new FoldQueue<number>((items) =>
      items.includes(0) ? Promise.reject(new Error('store down')) : Promise.resolve(),
    );
    const failed = [queue.add([0], beat), queue.add([1], beat)];
    await expect(failed[0]).rejects.toThrow('store down');
    await expect(failed[1]).rejects.toThrow('store down');
    await expect(queue.add([2], beat)).resolves.toBeUndefined();
  });

  it('given a shared fold, when it beats, then every member batch beats', async () => {
    const beats: string[] = [];
    const queue = new FoldQueue<number>((_items, heartbeat) => heartbeat());
    await Promise.all(
      ['p0', 'p1', 'p2'].map((p) =>
        queue.add([1], () => {
          beats.push(p);
          return Promise.resolve();
        }),
      ),
    );
    expect(beats.sort()).toEqual(['p0', 'p1', 'p2']);
  });

  it('given any split of items into batches and hand-over times, when folded, then every item is folded exactly once and each batch stays in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 5 }), wait: fc.boolean() }), {
          maxLength: 12,
        }),
        async (batches) => {
          const folded: number[] = [];
          const queue = new FoldQueue<number>(async (items) => {
            await new Promise((r) => setImmediate(r));
            folded.push(...items);
          });
          let next = 0;
          const pending: Promise<void>[] = [];
          const expected: number[][] = [];
          for (const b of batches) {
            const items = Array.from({ length: b.size }, () => next++);
            expected.push(items);
            pending.push(queue.add(items, beat));
            if (b.wait) await new Promise((r) => setImmediate(r));
          }
          await Promise.all(pending);
          expect([...folded].sort((a, b) => a - b)).toEqual(expected.flat());
          for (const items of expected) {
            const at = items.map((i) => folded.indexOf(i));
            expect(at).toEqual([...at].sort((a, b) => a - b));
          }
        },
      ),
    );
  });
});

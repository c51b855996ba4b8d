import { ProgressBar, formatProgress } from './progress-bar';

const progress = { processed: 450, total: 1000, lag: 600, eventsPerSecond: 150, etaSeconds: 4 };

describe('replay progress bar', () => {
  it('given a terminal, when progress comes, then one line is redrawn in place and finished with a newline', () => {
    const writes: string[] = [];
    const bar = new ProgressBar({ isTTY: true, columns: 120, write: (t) => writes.push(t) }, 'v2');
    bar.update(progress);
    bar.update({ ...progress, processed: 900 });
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(
      /^\rv2 \[#{11}\.{13}\] 45\.0% 450\/1,000 events · 150 ev\/s · lag 600 · ETA 4s/,
    );
    expect(writes[1]).toMatch(/^\r.*90\.0% 900\/1,000/);
    expect(writes[2]).toBe('\n');
  });

  it('given a pipe, when progress comes often, then plain lines are printed at most every interval', () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (t) => writes.push(t) }, 'v2', 5000, () => now);
    bar.update(progress);
    now = 1000;
    bar.update(progress);
    now = 6000;
    bar.update({ ...progress, processed: 1000, etaSeconds: 0 });
    bar.finish();
    expect(writes).toEqual([
      'v2 45.0% 450/1,000 events · 150 ev/s · lag 600 · ETA 4s\n',
      'v2 100.0% 1,000/1,000 events · 150 ev/s · lag 600 · ETA 0s\n',
    ]);
  });

  it('given no rate yet, then the ETA is unknown; given hours, then it is shown in hours', () => {
    expect(formatProgress('x', { ...progress, etaSeconds: null }, 0)).toMatch(/ETA \?$/);
    expect(formatProgress('x', { ...progress, etaSeconds: 7320 }, 0)).toMatch(/ETA 2h02m$/);
  });
});

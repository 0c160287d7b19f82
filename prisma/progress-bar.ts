/**
 * A one-line progress bar for long scripts (the seed), drawn on stderr.
 *
 * Steps: update(done) redraws `label [#####.....]  45%  45,000/100,000  3.2s` in place with '\r'
 * on a terminal; on anything else (a pipe, a CI log, a test stream) it prints one line per 10%
 * step instead, so logs stay short. finish() draws 100% and ends the line.
 *
 * Example:
 *   const bar = createProgressBar('posts', 100_000);
 *   for (...) bar.update(done);
 *   bar.finish();
 */

/** Where the bar writes: process.stderr, or anything with write() (isTTY decides redraw vs lines). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBar {
  /** Sets how many items are done (clamped to 0..total) and redraws when something visible changed. */
  update(done: number): void;
  /** Draws the bar at total and ends the line. */
  finish(): void;
}

/** Width of the bar between the brackets, in characters. @defaultValue 30 */
export const BAR_WIDTH = 30;

export function createProgressBar(
  label: string,
  total: number,
  stream: ProgressStream = process.stderr,
): ProgressBar {
  const started = Date.now();
  const interactive = stream.isTTY === true;
  let lastPercent = -1;
  let lastStep = -1;
  let finished = false;

  function render(done: number): string {
    const fraction = total > 0 ? done / total : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}  ${seconds}s`;
  }

  function update(done: number): void {
    if (finished) return;
    const clamped = Math.min(Math.max(done, 0), total);
    const percent = total > 0 ? Math.floor((clamped / total) * 100) : 100;
    if (interactive) {
      if (percent === lastPercent) return;
      lastPercent = percent;
      stream.write(`\r${render(clamped)}`);
    } else {
      const step = Math.floor(percent / 10);
      if (step === lastStep || step === 10) return;
      lastStep = step;
      stream.write(`${render(clamped)}\n`);
    }
  }

  function finish(): void {
    if (finished) return;
    finished = true;
    stream.write(interactive ? `\r${render(total)}\n` : `${render(total)}\n`);
  }

  return { update, finish };
}

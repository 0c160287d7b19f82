/**
 * The throughput benchmark's figure: an SVG of each measured round's rate, Backlot beside raw
 * BullMQ, and the round's ratio against the 0.9 target, captioned with the date, machine and flags
 * so the picture says what produced it. `npm run bench -- throughput` writes it to
 * docs/throughput.svg (the README shows it); no chart library, plain SVG text.
 *
 * Steps: scale the rates to the tallest bar (rounded up to a whole 5,000 jobs/s); draw per round
 * two bars and, in a strip below, the ratio as a dot on a 0.6-1.2 scale with the target line and
 * the median; a legend and the caption (wrapped to the width) last. Every text is escaped.
 *
 * Example: writeFileSync('docs/throughput.svg', throughputPlot({ rounds, ratio: 0.93, caption }))
 */

export interface PlotRound {
  round: number;
  backlot: number;
  raw: number;
}

export interface ThroughputPlotInput {
  rounds: readonly PlotRound[];
  /** The headline ratio (median of the per-round ratios). */
  ratio: number;
  /** The target the ratio is held to. @defaultValue 0.9 */
  target?: number;
  /** Lines under the title: date, machine, flags. */
  caption: readonly string[];
}

const WIDTH = 720;
const LEFT = 64;
const RIGHT = 16;
const TOP = 64;
const BARS_HEIGHT = 220;
const RATIO_TOP = TOP + BARS_HEIGHT + 36;
const RATIO_HEIGHT = 90;
const RATIO_MIN = 0.6;
const RATIO_MAX = 1.2;
const COLOURS = { backlot: '#1f4e79', raw: '#9aa7b4', ratio: '#c0392b', target: '#2e7d32' };

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const fixed = (n: number) => Number(n.toFixed(1));
const thousands = (n: number) => `${Math.round(n / 1000)}k`;
/** Caption characters per line at font-size 12 across the plot's width. */
const CAPTION_CHARS = 100;

/** Lines longer than `width` broken at spaces. */
function wrapped(lines: readonly string[], width: number): string[] {
  return lines.flatMap((line) => {
    const out: string[] = [];
    let current = '';
    for (const word of line.split(' ')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push(current);
        current = `  ${word}`;
      } else current = current === '' ? word : `${current} ${word}`;
    }
    return [...out, current];
  });
}

export function throughputPlot(input: ThroughputPlotInput): string {
  const target = input.target ?? 0.9;
  const rounds = input.rounds;
  const top = Math.max(
    5_000,
    Math.ceil(Math.max(...rounds.flatMap((r) => [r.backlot, r.raw])) / 5_000) * 5_000,
  );
  const plotWidth = WIDTH - LEFT - RIGHT;
  const slot = plotWidth / Math.max(1, rounds.length);
  const bar = Math.min(28, slot / 3);
  const y = (rate: number) => fixed(TOP + BARS_HEIGHT - (rate / top) * BARS_HEIGHT);
  const ratioY = (ratio: number) =>
    fixed(
      RATIO_TOP +
        RATIO_HEIGHT -
        ((Math.min(RATIO_MAX, Math.max(RATIO_MIN, ratio)) - RATIO_MIN) / (RATIO_MAX - RATIO_MIN)) *
          RATIO_HEIGHT,
    );
  const caption = wrapped(input.caption, CAPTION_CHARS);
  const height = RATIO_TOP + RATIO_HEIGHT + 40 + caption.length * 16;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">Throughput: Backlot vs raw BullMQ, ratio ${input.ratio.toFixed(3)} (target ≥ ${target})</text>`,
    `<rect x="${LEFT}" y="36" width="12" height="12" fill="${COLOURS.backlot}"/><text x="${LEFT + 18}" y="46">Backlot jobs/s</text>`,
    `<rect x="${LEFT + 130}" y="36" width="12" height="12" fill="${COLOURS.raw}"/><text x="${LEFT + 148}" y="46">raw BullMQ jobs/s</text>`,
  ];
  for (let tick = 0; tick <= top; tick += top / 5) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end">${thousands(tick)}</text>`,
    );
  }
  rounds.forEach((r, i) => {
    const centre = LEFT + slot * i + slot / 2;
    parts.push(
      `<rect x="${fixed(centre - bar)}" y="${y(r.backlot)}" width="${fixed(bar)}" height="${fixed(TOP + BARS_HEIGHT - y(r.backlot))}" fill="${COLOURS.backlot}"><title>round ${r.round}: Backlot ${Math.round(r.backlot)} jobs/s</title></rect>`,
      `<rect x="${fixed(centre)}" y="${y(r.raw)}" width="${fixed(bar)}" height="${fixed(TOP + BARS_HEIGHT - y(r.raw))}" fill="${COLOURS.raw}"><title>round ${r.round}: raw BullMQ ${Math.round(r.raw)} jobs/s</title></rect>`,
      `<text x="${fixed(centre)}" y="${TOP + BARS_HEIGHT + 16}" text-anchor="middle">${r.round}</text>`,
    );
    const ratio = r.backlot / r.raw;
    parts.push(
      `<circle cx="${fixed(centre)}" cy="${ratioY(ratio)}" r="4" fill="${COLOURS.ratio}"><title>round ${r.round}: ratio ${ratio.toFixed(3)}</title></circle>`,
    );
  });
  parts.push(
    `<text x="${LEFT - 6}" y="${TOP + BARS_HEIGHT + 16}" text-anchor="end">round</text>`,
    `<rect x="${LEFT}" y="${RATIO_TOP}" width="${plotWidth}" height="${RATIO_HEIGHT}" fill="none" stroke="#ccc"/>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ratioY(target)}" y2="${ratioY(target)}" stroke="${COLOURS.target}" stroke-dasharray="4 3"/>`,
    `<text x="${WIDTH - RIGHT - 4}" y="${ratioY(target) - 4}" text-anchor="end" fill="${COLOURS.target}">target ${target}</text>`,
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${ratioY(input.ratio)}" y2="${ratioY(input.ratio)}" stroke="${COLOURS.ratio}" stroke-opacity="0.5"/>`,
    `<text x="${LEFT + 4}" y="${ratioY(input.ratio) - 4}" fill="${COLOURS.ratio}">median ${input.ratio.toFixed(3)}</text>`,
    `<text x="${LEFT - 6}" y="${ratioY(RATIO_MAX) + 4}" text-anchor="end">${RATIO_MAX}</text>`,
    `<text x="${LEFT - 6}" y="${ratioY(RATIO_MIN) + 4}" text-anchor="end">${RATIO_MIN}</text>`,
    `<text x="${LEFT - 6}" y="${fixed(RATIO_TOP + RATIO_HEIGHT / 2 + 4)}" text-anchor="end">ratio</text>`,
  );
  caption.forEach((line, i) => {
    parts.push(
      `<text x="${LEFT}" y="${RATIO_TOP + RATIO_HEIGHT + 28 + i * 16}" fill="#555">${escape(line)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

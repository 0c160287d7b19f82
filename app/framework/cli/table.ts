/**
 * Plain-text tables for CLIs: columns padded to their widest cell, a header and a rule.
 * (A dozen lines, so no table library is pulled in.)
 *
 * Example: formatTable([{ queue: 'default', waiting: 3 }]) ->
 *   queue    waiting
 *   -------  -------
 *   default  3
 */
export function formatTable(objects: readonly object[], columns?: readonly string[]): string {
  const rows = objects as readonly Record<string, unknown>[];
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint') return v.toString();
    return JSON.stringify(v) ?? '';
  };
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line([...cols]),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

/**
 * A text's first line that is not blank (Prisma's errors start with a newline), cut to `width`
 * characters with "…" when longer (or when more lines follow).
 */
export function firstLine(text: string, width: number): string {
  const rest = text.replace(/^\s*\n/, '');
  const [head = ''] = rest.split('\n', 1);
  const more = head.length < rest.trimEnd().length;
  if (head.length <= width && !more) return head;
  return `${head.slice(0, Math.max(0, width - 1)).trimEnd()}…`;
}

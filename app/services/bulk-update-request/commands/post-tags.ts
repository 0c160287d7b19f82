/**
 * Set-based tag changes on many posts, in chunks: the engine behind alias, rename, mass update,
 * nuke and implication application. Never one round trip per post, never one transaction around a
 * whole line.
 *
 * A change is a selection (posts that have the `driver` tag, every `include` tag and no `exclude`
 * tag) and an edit (tag ids to `add`, tag ids to `remove`). Only posts the edit would change are
 * selected (they lack an added tag or carry a removed one), so a run that stopped half way and
 * runs again finds only the posts still to do, and a finished change selects nothing.
 *
 * Steps of changePostsInChunks:
 *   1. count the posts to change (one statement) and report rowsTotal (plus the rows an earlier
 *      attempt of the line already did);
 *   2. repeat, with a post-id cursor, ONE statement per chunk (its own implicit transaction):
 *        chunk    = the next `chunkSize` selected posts after the cursor, via the (tag_id, post_id)
 *                   index of the driver tag, in post-id order
 *        moved    = (alias, rename: tag A replaced by B) UPDATE post_tags SET tag_id = B for the
 *                   chunk's A rows on posts without B; dropped = DELETE the A rows of posts with B
 *        added    = INSERT INTO post_tags SELECT chunk x add ON CONFLICT DO NOTHING
 *        removed  = DELETE FROM post_tags WHERE tag_id = ANY(remove) AND post_id in the chunk
 *        counted  = UPDATE tags SET post_count += inserted - deleted rows, per tag
 *        progress = UPDATE bulk_update_request_lines SET rows_done += chunk size
 *      so post counts and the line's progress commit with the rows they describe; then report
 *      progress and check the abort signal;
 *   3. stop after a chunk shorter than chunkSize, or once as many posts as counted are done.
 * A statement per chunk: an alias over 100,000 posts is 20 chunk statements at the default 5,000.
 *
 * Example:
 *   const ids = await ensureTags(db, ['b']);   // app/db/tag.repository.ts
 *   await changePostsInChunks(ctx, { driver: idOfA, include: [], exclude: [] }, { add: [ids.get('b')!], remove: [idOfA] });
 */
import { checkSignal, type CommandContext, type Db } from './context';

/** Posts that carry `driver`, every `include` tag and no `exclude` tag (tag ids). */
export interface PostSelection {
  driver: number;
  include: readonly number[];
  exclude: readonly number[];
}

/** Tag ids to add to and remove from each selected post. */
export interface TagEdit {
  add: readonly number[];
  remove: readonly number[];
  /**
   * Tag `from` replaced by `to` (alias, rename), besides `add` and `remove`. `from` must be the
   * selection's driver. Done by UPDATE of the (post_id, tag_id) rows in place, which costs one
   * foreign-key check per row where INSERT + DELETE costs two plus a second write.
   */
  replace?: { from: number; to: number };
}

type Raw = Pick<Db, '$queryRawUnsafe'>;

/** Positional parameters for a statement assembled from fixed fragments. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The WHERE conditions on `pt` (a post_tags row of the driver tag) that select a post to change. */
function selectionSql(params: Params, selection: PostSelection, edit: TagEdit, after?: string): string {
  const conditions = [`pt.tag_id = ${params.add(selection.driver)}`];
  // Past the cursor: bounds the (anti) joins the planner may choose to the rows still ahead.
  const ahead = (alias: string) => (after === undefined ? '' : ` AND ${alias}.post_id > ${after}`);
  if (selection.include.length > 0) {
    const include = params.add([...selection.include]);
    conditions.push(
      `(SELECT count(*) FROM post_tags i WHERE i.post_id = pt.post_id AND i.tag_id = ANY(${include}::int[])) = cardinality(${include}::int[])`,
    );
  }
  if (selection.exclude.length > 0) {
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM post_tags e WHERE e.post_id = pt.post_id AND e.tag_id = ANY(${params.add([...selection.exclude])}::int[])${ahead('e')})`,
    );
  }
  // Only posts the edit changes. Removing or replacing the driver tag changes every selected post.
  if (!edit.remove.includes(selection.driver) && edit.replace?.from !== selection.driver) {
    const needs: string[] = [];
    if (edit.add.length > 0) {
      const add = params.add([...edit.add]);
      needs.push(
        `(SELECT count(*) FROM post_tags a WHERE a.post_id = pt.post_id AND a.tag_id = ANY(${add}::int[])) < cardinality(${add}::int[])`,
      );
    }
    if (edit.remove.length > 0) {
      needs.push(
        `EXISTS (SELECT 1 FROM post_tags r WHERE r.post_id = pt.post_id AND r.tag_id = ANY(${params.add([...edit.remove])}::int[])${ahead('r')})`,
      );
    }
    conditions.push(needs.length > 0 ? `(${needs.join(' OR ')})` : 'false');
  }
  return conditions.join('\n      AND ');
}

/** How many posts the change would change now. One statement. */
export async function countPostsToChange(db: Raw, selection: PostSelection, edit: TagEdit): Promise<number> {
  const params = new Params();
  const where = selectionSql(params, selection, edit);
  const rows = await db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM post_tags pt WHERE ${where}`,
    ...params.values,
  );
  return rows[0]?.n ?? 0;
}

export interface ChunkResult {
  /** Posts in the chunk (each changed). */
  posts: number;
  /** The highest post id of the chunk: the cursor for the next one; null when the chunk was empty. */
  last: number | null;
}

/**
 * Changes the next `limit` selected posts with id > `after`, in one statement: post_tags rows,
 * the affected tags' post counts and the progress of line `lineId` (null: none) together.
 */
export async function changePostsChunk(
  db: Raw,
  selection: PostSelection,
  edit: TagEdit,
  options: { after: number; limit: number; lineId: number | null },
): Promise<ChunkResult> {
  const params = new Params();
  const after = params.add(options.after);
  const where = selectionSql(params, selection, edit, after);
  const limit = params.add(options.limit);
  const parts = [
    `chunk AS MATERIALIZED (
    SELECT pt.post_id FROM post_tags pt
    WHERE ${where}
      AND pt.post_id > ${after}
    ORDER BY pt.post_id
    LIMIT ${limit}
  )`,
  ];
  const deltas: string[] = [];
  // The chunk is every selected row of the driver tag in (after, hi]: statements on the driver's
  // rows use that range on the (tag_id, post_id) index instead of joining all its rows.
  const range = (alias: string) =>
    `${alias}.post_id > ${after} AND ${alias}.post_id <= (SELECT max(post_id) FROM chunk)`;
  // Without query filters, the chunk IS every driver row in that range: no join with it needed.
  const unfiltered = selection.include.length === 0 && selection.exclude.length === 0;
  const inChunk = (alias: string, driverRows: boolean) =>
    driverRows && unfiltered ? '' : ` AND ${alias}.post_id IN (SELECT post_id FROM chunk)`;
  if (edit.replace) {
    const from = params.add(edit.replace.from);
    const to = params.add(edit.replace.to);
    // The range on x too, so the planner never scans every row of `to` (it grows chunk by chunk).
    const hasTo = (alias: string) =>
      `EXISTS (SELECT 1 FROM post_tags x WHERE x.post_id = ${alias}.post_id AND x.tag_id = ${to}::int AND ${range('x')})`;
    const driverRows = edit.replace.from === selection.driver;
    parts.push(`moved AS (
    UPDATE post_tags m SET tag_id = ${to}::int
    WHERE m.tag_id = ${from}::int AND ${range('m')}${inChunk('m', driverRows)} AND NOT ${hasTo('m')}
    RETURNING m.post_id
  )`);
    parts.push(`dropped AS (
    DELETE FROM post_tags d
    WHERE d.tag_id = ${from}::int AND ${range('d')}${inChunk('d', driverRows)} AND ${hasTo('d')}
    RETURNING d.post_id
  )`);
    deltas.push(`SELECT ${to}::int AS tag_id, 1 AS delta FROM moved`);
    deltas.push(`SELECT ${from}::int, -1 FROM moved`);
    deltas.push(`SELECT ${from}::int, -1 FROM dropped`);
  }
  if (edit.add.length > 0) {
    parts.push(`added AS (
    INSERT INTO post_tags (post_id, tag_id)
    SELECT c.post_id, a.tag_id FROM chunk c CROSS JOIN unnest(${params.add([...edit.add])}::int[]) AS a(tag_id)
    ON CONFLICT DO NOTHING
    RETURNING tag_id
  )`);
    deltas.push('SELECT tag_id, 1 AS delta FROM added');
  }
  if (edit.remove.length > 0) {
    parts.push(`removed AS (
    DELETE FROM post_tags d
    WHERE d.tag_id = ANY(${params.add([...edit.remove])}::int[]) AND ${range('d')}${inChunk('d', edit.remove.length === 1 && edit.remove[0] === selection.driver)}
    RETURNING d.tag_id
  )`);
    deltas.push('SELECT tag_id, -1 AS delta FROM removed');
  }
  if (deltas.length > 0) {
    parts.push(`deltas AS (
    SELECT tag_id, sum(delta)::int AS delta FROM (${deltas.join(' UNION ALL ')}) x GROUP BY tag_id
  )`);
    parts.push(`counted AS (
    UPDATE tags t SET post_count = t.post_count + d.delta, updated_at = now()
    FROM deltas d WHERE t.id = d.tag_id AND d.delta <> 0
    RETURNING t.id
  )`);
  }
  parts.push(`progress AS (
    UPDATE bulk_update_request_lines SET rows_done = rows_done + (SELECT count(*) FROM chunk)::int
    WHERE id = ${params.add(options.lineId)}::int
    RETURNING id
  )`);
  const sql = `WITH ${parts.join(',\n  ')}
SELECT (SELECT count(*) FROM chunk)::int AS posts, (SELECT max(post_id) FROM chunk) AS last`;
  const rows = await db.$queryRawUnsafe<Array<{ posts: number; last: number | null }>>(sql, ...params.values);
  return { posts: rows[0]?.posts ?? 0, last: rows[0]?.last ?? null };
}

/**
 * Applies a change to every selected post in chunks, reporting progress after each chunk and
 * stopping between chunks when ctx.signal is aborted. Resolves the posts changed by this run.
 */
export async function changePostsInChunks(
  ctx: CommandContext,
  selection: PostSelection,
  edit: TagEdit,
): Promise<number> {
  const replaced = edit.replace ? [edit.replace.from, edit.replace.to] : [];
  const remove = edit.remove.filter((id) => !replaced.includes(id));
  const add = edit.add.filter((id) => !remove.includes(id) && !replaced.includes(id));
  const clean: TagEdit = { add, remove, ...(edit.replace ? { replace: edit.replace } : {}) };
  if (!clean.replace && clean.add.length === 0 && clean.remove.length === 0) return 0;
  checkSignal(ctx.signal);
  const remaining = await countPostsToChange(ctx.db, selection, clean);
  const total = ctx.line.rowsDone + remaining;
  await ctx.progress(ctx.line.rowsDone, total);
  let done = 0;
  let after = 0;
  while (remaining > 0) {
    checkSignal(ctx.signal);
    const chunk = await changePostsChunk(ctx.db, selection, clean, {
      after,
      limit: ctx.chunkSize,
      lineId: ctx.line.id,
    });
    done += chunk.posts;
    ctx.line.rowsDone += chunk.posts;
    if (chunk.posts > 0) await ctx.progress(ctx.line.rowsDone, Math.max(total, ctx.line.rowsDone));
    // A short chunk reached the end; so did a run that changed as many posts as were counted.
    if (chunk.last === null || chunk.posts < ctx.chunkSize || done >= remaining) break;
    after = chunk.last;
  }
  return done;
}

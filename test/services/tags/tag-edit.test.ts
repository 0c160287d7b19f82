import { describe, expect, it } from 'vitest';
import { linkSentence, resolveTagEdit, TagEditError } from '../../../app/services/tags/tag-edit';
import { testPrisma, useFreshDatabase } from '../../support/database';
import { createAliases, createImplications, createTags } from '../../support/tag-fixtures';

const db = testPrisma();
useFreshDatabase();

async function refusal(promise: Promise<unknown>): Promise<TagEditError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TagEditError)) throw new Error(`expected a TagEditError, got ${String(error)}`);
  return error;
}

describe('resolveTagEdit: the tag rules of every tag edit', () => {
  it('redirects an added tag through its live alias (a permanent redirect) and ignores dead aliases', async () => {
    await createAliases(db, [
      ['aaa', 'bbb'],
      ['old', 'new', 'deleted'],
    ]);
    const edit = await resolveTagEdit(db, { current: [], add: ['AAA', 'old'] });
    expect(edit.tags).toEqual(['bbb', 'old']);
    expect([...edit.aliased]).toEqual([['aaa', 'bbb']]);
  });

  it('adds every implied tag, transitively, through the alias target', async () => {
    await createAliases(db, [['kitty', 'kitten']]);
    await createImplications(db, [
      ['kitten', 'cat'],
      ['cat', 'animal'],
      ['animal', 'gone', 'deleted'],
    ]);
    const edit = await resolveTagEdit(db, { current: ['smile'], add: ['kitty'] });
    expect(edit).toMatchObject({
      tags: ['animal', 'cat', 'kitten', 'smile'],
      add: ['animal', 'cat', 'kitten'],
      remove: [],
    });
  });

  it('keeps a removed tag that a kept tag implies (Danbooru re-adds implied tags) and removes the rest', async () => {
    await createImplications(db, [['kitten', 'cat']]);
    const edit = await resolveTagEdit(db, {
      current: ['cat', 'kitten', 'smile'],
      add: [],
      remove: ['cat', 'smile'],
    });
    expect(edit).toMatchObject({ tags: ['cat', 'kitten'], add: [], remove: ['smile'] });
  });

  it('without the current tags (a mass update), an explicit removal wins over an implied tag', async () => {
    await createImplications(db, [
      ['kitten', 'cat'],
      ['cat', 'animal'],
    ]);
    const edit = await resolveTagEdit(db, { add: ['kitten'], remove: ['animal'] });
    expect(edit).toMatchObject({ tags: null, add: ['cat', 'kitten'], remove: ['animal'] });
  });

  it("refuses adding a deprecated tag with Danbooru's message, naming every one", async () => {
    await createTags(db, [
      { name: 'bad_one', isDeprecated: true },
      { name: 'bad_two', isDeprecated: true },
      { name: 'fine' },
    ]);
    const error = await refusal(resolveTagEdit(db, { current: [], add: ['fine', 'bad_two', 'bad_one'] }));
    expect(error.message).toBe(
      'The following tags are deprecated and could not be added: [[bad_one]] and [[bad_two]]',
    );
    expect(error).toMatchObject({ rule: 'deprecated', tags: ['bad_one', 'bad_two'] });
  });

  it('refuses an alias whose target is deprecated, but lets a post keep a deprecated tag it has', async () => {
    await createTags(db, [{ name: 'obsolete', isDeprecated: true }]);
    await createAliases(db, [['legacy', 'obsolete']]);
    await expect(resolveTagEdit(db, { current: [], add: ['legacy'] })).rejects.toThrow(
      'could not be added: [[obsolete]]',
    );
    const kept = await resolveTagEdit(db, { current: ['obsolete'], add: ['smile'] });
    expect(kept.tags).toEqual(['obsolete', 'smile']);
  });

  it('refuses an invalid new tag name with its rule, and accepts an existing tag that predates the rule', async () => {
    await createTags(db, [{ name: 'café' }]);
    const error = await refusal(resolveTagEdit(db, { current: [], add: ['a,b'] }));
    expect(error.rule).toBe('comma');
    expect(error.tags).toEqual(['a,b']);
    expect((await resolveTagEdit(db, { current: [], add: ['café'] })).tags).toEqual(['café']);
  });

  it('writes a sentence of wiki links as Danbooru does', () => {
    expect(linkSentence(['a'])).toBe('[[a]]');
    expect(linkSentence(['a', 'b'])).toBe('[[a]] and [[b]]');
    expect(linkSentence(['a', 'b', 'c'])).toBe('[[a]], [[b]], and [[c]]');
  });
});

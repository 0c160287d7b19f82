import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagRepository, type TagReadRepository } from '../../../app/db/tag.repository';
import { checkScript } from '../../../app/services/bulk-update-request/script-validator';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { createTagWorld } from '../../support/tag-fixtures';

// One read-only world for the whole file (test/support/tag-fixtures.ts): the validator never writes.
const db = testPrisma();
const repository = createTagRepository(db);

beforeAll(async () => {
  await truncateAll();
  await createTagWorld(db);
});
afterAll(() => disconnectTestPrisma());

/** [lineNumber, reason] of every error of `script`. */
async function errorsOf(script: string): Promise<Array<[number, string]>> {
  const check = await checkScript(script, repository);
  expect(check.scriptErrors).toEqual([]);
  expect(check.ok).toBe(check.errors.length === 0);
  return check.errors.map((error) => [error.lineNumber, error.reason]);
}

describe('create alias', () => {
  it('accepts a new alias, by either spelling', async () => {
    expect(await errorsOf('create alias plain -> other')).toEqual([]);
    expect(await errorsOf('alias plain -> other')).toEqual([]);
  });

  it('refuses an alias that already exists', async () => {
    expect(await errorsOf('alias kitty -> cat')).toEqual([[1, 'the alias kitty -> cat already exists']]);
  });

  it('refuses a second alias for an aliased antecedent', async () => {
    expect(await errorsOf('alias kitty -> animal')).toEqual([
      [1, "'kitty' is already aliased to 'cat' (remove that alias first)"],
    ]);
  });

  it('refuses A -> B when B is aliased to C, naming C', async () => {
    expect(await errorsOf('alias plain -> kitty')).toEqual([
      [1, "'kitty' is already aliased to 'cat': aliases cannot be chained (alias plain -> cat instead)"],
    ]);
  });

  it("reverses an alias instead of refusing a cycle (Danbooru: 'Allow aliases to be reversed')", async () => {
    expect(await errorsOf('alias cat -> kitty')).toEqual([]);
    expect(await errorsOf('alias cat -> kitty\nunalias kitty -> cat')).toEqual([
      [2, "the alias kitty -> cat doesn't exist"],
    ]);
  });

  it('counts processing aliases as live, and ignores deleted, retired and pending ones', async () => {
    expect(await errorsOf('alias proc_a -> other')).toEqual([
      [1, "'proc_a' is already aliased to 'proc_b' (remove that alias first)"],
    ]);
    expect(
      await errorsOf('alias gone -> animal\nalias retired_x -> other\nalias pending_a -> other'),
    ).toEqual([]);
  });

  it('applies the creation rules to a consequent that would be a new tag only', async () => {
    expect(await errorsOf('alias plain -> new__name')).toEqual([
      [1, "'new__name' cannot contain consecutive underscores (it would be a new tag)"],
    ]);
    expect(await errorsOf('alias plain -> pokémon')).toEqual([]);
  });

  it('sees aliases made by earlier lines', async () => {
    expect(await errorsOf('alias a1 -> b1\nalias c1 -> a1\nalias a1 -> d1')).toEqual([
      [2, "'a1' is already aliased to 'b1': aliases cannot be chained (alias c1 -> b1 instead)"],
      [3, "'a1' is already aliased to 'b1' (remove that alias first)"],
    ]);
  });

  it('moves aliases of the antecedent to the new consequent, as processing does', async () => {
    expect(await errorsOf('alias cat -> feline\nremove alias kitty -> feline\nunalias moggy -> cat')).toEqual(
      [[3, "the alias moggy -> cat doesn't exist ('moggy' is aliased to 'feline')"]],
    );
  });
});

describe('remove alias', () => {
  it('accepts removing a live alias, by either spelling', async () => {
    expect(await errorsOf('remove alias kitty -> cat')).toEqual([]);
    expect(await errorsOf('unalias kitty -> cat')).toEqual([]);
  });

  it('refuses an alias that does not exist, saying where the antecedent points', async () => {
    expect(await errorsOf('unalias plain -> other')).toEqual([[1, "the alias plain -> other doesn't exist"]]);
    expect(await errorsOf('unalias kitty -> animal')).toEqual([
      [1, "the alias kitty -> animal doesn't exist ('kitty' is aliased to 'cat')"],
    ]);
    expect(await errorsOf('unalias gone -> cat')).toEqual([[1, "the alias gone -> cat doesn't exist"]]);
  });

  it('accepts removing an alias an earlier line creates, and frees the antecedent for later lines', async () => {
    expect(await errorsOf('create alias a -> b\nremove alias a -> b')).toEqual([]);
    expect(await errorsOf('unalias kitty -> cat\nalias kitty -> animal')).toEqual([]);
  });
});

describe('create implication', () => {
  it('accepts a new implication, by either spelling', async () => {
    expect(await errorsOf('create implication animal -> other')).toEqual([]);
    expect(await errorsOf('imply animal -> other')).toEqual([]);
    expect(await errorsOf('imply feline -> cat')).toEqual([]); // only a deleted one exists
  });

  it('creates a new consequent tag for later lines, as processing does', async () => {
    expect(await errorsOf('imply plain -> brand_new_tag\ncategory brand_new_tag -> meta')).toEqual([]);
  });

  it('refuses an implication that already exists', async () => {
    expect(await errorsOf('imply cat -> animal')).toEqual([
      [1, 'the implication cat -> animal already exists'],
    ]);
  });

  it('refuses aliased antecedents and consequents', async () => {
    expect(await errorsOf('imply kitty -> animal')).toEqual([
      [1, "'kitty' is aliased to 'cat': use 'cat' in the implication"],
    ]);
    expect(await errorsOf('imply plain -> moggy')).toEqual([
      [1, "'moggy' is aliased to 'cat': use 'cat' in the implication"],
    ]);
  });

  it('refuses cycles, showing the chain', async () => {
    expect(await errorsOf('imply animal -> cat')).toEqual([
      [1, "'cat' already implies 'animal' (cat -> animal), so animal -> cat would make a cycle"],
    ]);
    expect(await errorsOf('imply living_thing -> kitten')).toEqual([
      [
        1,
        "'kitten' already implies 'living_thing' (kitten -> cat -> animal -> living_thing), so living_thing -> kitten would make a cycle",
      ],
    ]);
  });

  it('refuses an implication that already holds through others', async () => {
    expect(await errorsOf('imply kitten -> animal')).toEqual([
      [1, "'kitten' already implies 'animal' through another implication (kitten -> cat -> animal)"],
    ]);
  });

  it('sees implications made and removed by earlier lines', async () => {
    expect(await errorsOf('imply x1 -> x2\nimply x2 -> x3\nimply x3 -> x1')).toEqual([
      [3, "'x1' already implies 'x3' (x1 -> x2 -> x3), so x3 -> x1 would make a cycle"],
    ]);
    expect(await errorsOf('unimply cat -> animal\nimply animal -> cat')).toEqual([]);
  });

  it('applies the creation rules to a new consequent', async () => {
    expect(await errorsOf('imply plain -> bad*')).toEqual([
      [1, "'bad*' cannot contain asterisks ('*') (it would be a new tag)"],
    ]);
  });
});

describe('remove implication', () => {
  it('accepts removing a live implication, by either spelling', async () => {
    expect(await errorsOf('remove implication cat -> animal')).toEqual([]);
    expect(await errorsOf('unimply cat -> animal')).toEqual([]);
  });

  it('refuses one that does not exist', async () => {
    expect(await errorsOf('unimply animal -> cat')).toEqual([
      [1, "the implication animal -> cat doesn't exist"],
    ]);
    expect(await errorsOf('unimply feline -> cat')).toEqual([
      [1, "the implication feline -> cat doesn't exist"],
    ]);
  });

  it('accepts removing one an earlier line creates', async () => {
    expect(await errorsOf('imply p -> q\nunimply p -> q')).toEqual([]);
  });
});

describe('rename', () => {
  it('accepts a tag with at most 200 posts', async () => {
    expect(await errorsOf('rename small -> tiny')).toEqual([]);
  });

  it('refuses a tag with more than 200 posts and says to use an alias', async () => {
    expect(await errorsOf('rename big -> huge')).toEqual([
      [
        1,
        "'big' has 201 posts, more than the 200 a rename may move: use an alias instead (create alias big -> huge)",
      ],
    ]);
  });

  it('refuses a tag that does not exist and a target that is aliased', async () => {
    expect(await errorsOf('rename nothing_here -> x')).toEqual([[1, "the tag 'nothing_here' doesn't exist"]]);
    expect(await errorsOf('rename plain -> kitty')).toEqual([
      [1, "'kitty' is aliased to 'cat': rename to 'cat' instead"],
    ]);
  });

  it('applies the creation rules to a new target', async () => {
    expect(await errorsOf('rename plain -> _x')).toEqual([
      [1, "'_x' cannot begin with a '_' (it would be a new tag)"],
    ]);
  });

  it('counts the posts earlier lines moved', async () => {
    expect(await errorsOf('rename small -> plain\nrename plain -> z')).toEqual([
      [
        2,
        "'plain' has 207 posts, more than the 200 a rename may move: use an alias instead (create alias plain -> z)",
      ],
    ]);
    expect(await errorsOf('update cat -> fresh_tag\nrename fresh_tag -> fresher')).toEqual([]);
  });
});

describe('update / mass update', () => {
  it('accepts tags to add and remove, by either spelling', async () => {
    expect(await errorsOf('update cat -animal -> feline -kitten')).toEqual([]);
    expect(await errorsOf('mass update cat -> -old_tag')).toEqual([]);
  });

  it('refuses adding a deprecated tag, also one an earlier line deprecates', async () => {
    expect(await errorsOf('update cat -> old_tag')).toEqual([
      [1, "can't add 'old_tag': the tag is deprecated"],
    ]);
    expect(await errorsOf('deprecate plain\nupdate cat -> plain')).toEqual([
      [2, "can't add 'plain': the tag is deprecated"],
    ]);
  });

  it('applies the creation rules to added tags that are new', async () => {
    expect(await errorsOf('update cat -> and')).toEqual([
      [1, "'and' is a reserved name and cannot be used (it would be a new tag)"],
    ]);
  });
});

describe('category', () => {
  it('accepts an existing tag, also one an earlier line creates', async () => {
    expect(await errorsOf('category cat -> meta')).toEqual([]);
    expect(await errorsOf('alias zz1 -> zz2\ncategory zz2 -> artist')).toEqual([]);
  });

  it('refuses a tag that does not exist', async () => {
    expect(await errorsOf('category nothing_here -> artist')).toEqual([
      [1, "the tag 'nothing_here' doesn't exist"],
    ]);
  });
});

describe('nuke', () => {
  it('accepts a tag, or a name that only implications mention', async () => {
    expect(await errorsOf('nuke cat')).toEqual([]);
    expect(await errorsOf('nuke ghost')).toEqual([]);
  });

  it('refuses a name nothing knows', async () => {
    expect(await errorsOf('nuke nothing_here')).toEqual([[1, "the tag 'nothing_here' doesn't exist"]]);
  });

  it("drops the tag's implications both ways for later lines", async () => {
    expect(await errorsOf('nuke cat\nimply animal -> cat\nimply cat -> kitten')).toEqual([]);
  });
});

describe('deprecate / undeprecate', () => {
  it('accepts deprecating a tag and undeprecating a deprecated one', async () => {
    expect(await errorsOf('deprecate cat')).toEqual([]);
    expect(await errorsOf('undeprecate old_tag')).toEqual([]);
    expect(await errorsOf('deprecate cat\nundeprecate cat')).toEqual([]);
  });

  it('refuses twice the same state and missing tags', async () => {
    expect(await errorsOf('deprecate old_tag')).toEqual([[1, "the tag 'old_tag' is already deprecated"]]);
    expect(await errorsOf('undeprecate cat')).toEqual([[1, "the tag 'cat' is not deprecated"]]);
    expect(await errorsOf('deprecate nothing_here')).toEqual([[1, "the tag 'nothing_here' doesn't exist"]]);
    expect(await errorsOf('undeprecate nothing_here')).toEqual([[1, "the tag 'nothing_here' doesn't exist"]]);
  });
});

describe('checkScript', () => {
  it('reports every bad line, parse and validation errors together, in line order', async () => {
    const check = await checkScript(
      [
        'alias kitty -> cat',
        'bogus line',
        '',
        'imply animal -> other',
        'rename big -> huge',
        'nuke',
        'deprecate old_tag',
      ].join('\n'),
      repository,
    );
    expect(check.ok).toBe(false);
    expect(check.errors.map((error) => [error.lineNumber, error.text])).toEqual([
      [1, 'alias kitty -> cat'],
      [2, 'bogus line'],
      [5, 'rename big -> huge'],
      [6, 'nuke'],
      [7, 'deprecate old_tag'],
    ]);
    expect(check.lines.map((line) => line.lineNumber)).toEqual([1, 4, 5, 7]);
  });

  it('is ok for a valid script and hands back its lines in order', async () => {
    const check = await checkScript(
      'alias plain -> other\n\nimply kitten -> feline\nupdate cat -> feline',
      repository,
    );
    expect(check).toMatchObject({ ok: true, errors: [], scriptErrors: [] });
    expect(check.lines.map((line) => [line.lineNumber, line.canonical])).toEqual([
      [1, 'create alias plain -> other'],
      [3, 'create implication kitten -> feline'],
      [4, 'update cat -> feline'],
    ]);
  });

  it('does not read the database for a script over the limits, and is not ok', async () => {
    let reads = 0;
    const counting: TagReadRepository = {
      findTags: (names) => ((reads += 1), repository.findTags(names)),
      findLiveAliases: (names) => ((reads += 1), repository.findLiveAliases(names)),
      findLiveImplications: (names) => ((reads += 1), repository.findLiveImplications(names)),
      countPostsWithAny: (names) => ((reads += 1), repository.countPostsWithAny(names)),
    };
    const script = Array.from({ length: 101 }, (_, i) => `nuke tag_${i}`).join('\n');
    const check = await checkScript(`${script}\nbogus`, counting);
    expect(reads).toBe(0);
    expect(check.ok).toBe(false);
    expect(check.scriptErrors).toEqual([
      'the script has 102 lines, more than the 100 allowed: split it into smaller requests',
    ]);
    expect(check.errors).toEqual([
      { lineNumber: 102, text: 'bogus', reason: expect.stringMatching(/^unknown command/) },
    ]);

    await checkScript('nuke cat\nalias a -> b', counting);
    expect(reads).toBe(3); // one batch for every name in the script
  });
});

/**
 * Who approves what, after Danbooru's approval_level per command (create_alias.rb, rename.rb,
 * create_implication.rb: admin unless the tags are small artist / small character tags) and
 * BulkUpdateRequestPolicy (the request's level is the highest of its lines').
 */
import { describe, expect, it } from 'vitest';
import {
  approvalLevel,
  canApproveBur,
  canManageBur,
  SMALL_TAG_THRESHOLD,
  type TagsByName,
} from '../../../app/services/bulk-update-request/policy';
import { parseScript } from '../../../app/services/bulk-update-request/script-parser';
import type { TagCategoryName } from '../../../app/services/bulk-update-request/types';

function tags(entries: Array<[string, TagCategoryName, number]>): TagsByName {
  return new Map(entries.map(([name, category, postCount]) => [name, { category, postCount }]));
}

function levelOf(script: string, world: TagsByName) {
  return approvalLevel(parseScript(script).lines, world);
}

const world = tags([
  ['small_artist', 'artist', 12],
  ['other_artist', 'artist', SMALL_TAG_THRESHOLD],
  ['big_artist', 'artist', SMALL_TAG_THRESHOLD + 1],
  ['empty_general', 'general', 0],
  ['general_tag', 'general', 5],
  ['small_char', 'character', 30],
  ['small_char_2', 'character', 1],
  ['big_char', 'character', 5000],
]);

describe('approval levels', () => {
  it('lets a builder approve an alias or rename of a small artist tag onto a new, empty or small artist tag', () => {
    expect(levelOf('alias small_artist -> brand_new', world)).toBe('builder');
    expect(levelOf('alias small_artist -> empty_general', world)).toBe('builder');
    expect(levelOf('alias small_artist -> other_artist', world)).toBe('builder');
    expect(levelOf('rename small_artist -> brand_new', world)).toBe('builder');
  });

  it('keeps other aliases for admins: a large artist tag, a non-artist tag, a non-empty general target', () => {
    expect(levelOf('alias big_artist -> brand_new', world)).toBe('admin');
    expect(levelOf('alias small_artist -> big_artist', world)).toBe('admin');
    expect(levelOf('alias small_artist -> general_tag', world)).toBe('admin');
    expect(levelOf('alias general_tag -> brand_new', world)).toBe('admin');
    expect(levelOf('alias missing -> brand_new', world)).toBe('admin');
  });

  it('lets a moderator approve an implication between two small character tags, and nothing else', () => {
    expect(levelOf('imply small_char -> small_char_2', world)).toBe('moderator');
    expect(levelOf('imply small_char -> big_char', world)).toBe('admin');
    expect(levelOf('imply small_char -> missing', world)).toBe('admin');
    expect(levelOf('imply small_artist -> other_artist', world)).toBe('admin');
  });

  it('keeps every other command for admins, and a request at the level of its highest line', () => {
    for (const line of [
      'unalias a -> b',
      'unimply a -> b',
      'update small_artist -> x',
      'category small_artist -> general',
      'nuke small_artist',
      'deprecate small_artist',
      'undeprecate small_artist',
    ]) {
      expect(levelOf(line, world), line).toBe('admin');
    }
    expect(levelOf('alias small_artist -> brand_new\nimply small_char -> small_char_2', world)).toBe(
      'moderator',
    );
    expect(levelOf('alias small_artist -> brand_new\nnuke general_tag', world)).toBe('admin');
    expect(levelOf('', world)).toBe('admin');
  });
});

describe('who may act', () => {
  const member = { id: 1, level: 'member' as const };
  const builder = { id: 2, level: 'builder' as const };
  const moderator = { id: 3, level: 'moderator' as const };
  const admin = { id: 4, level: 'admin' as const };

  it('approves at or above the level; members never', () => {
    expect(canApproveBur(member)).toBe(false);
    expect(canApproveBur(builder, 'builder')).toBe(true);
    expect(canApproveBur(builder, 'moderator')).toBe(false);
    expect(canApproveBur(moderator, 'moderator')).toBe(true);
    expect(canApproveBur(moderator, 'admin')).toBe(false);
    expect(canApproveBur(admin, 'admin')).toBe(true);
  });

  it('edits and rejects as the author or an admin only (moderators not)', () => {
    const bur = { userId: member.id };
    expect([member, builder, moderator, admin].map((user) => canManageBur(user, bur))).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});

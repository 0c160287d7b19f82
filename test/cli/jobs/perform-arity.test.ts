import { describe, expect, it } from 'vitest';
import { CliFailure } from '../../../app/cli/jobs/context';
import { checkArgumentCount, performArity } from '../../../app/cli/jobs/perform-arity';
import { Job } from '../../../app/framework/index';

class NoArgsJob extends Job {
  perform() {}
}
class TwoArgsJob extends Job {
  perform(_to: string, _subject: string) {}
}
class DefaultsJob extends Job {
  perform(_post: object, _size = Math.max(1, 2), _label = 'a, b') {}
}
class RestJob extends Job {
  perform(_first: string, ..._more: string[]) {}
}
class DestructuringJob extends Job {
  perform({ a, b }: { a: number; b: number } = { a: 1, b: 2 }) {
    return a + b;
  }
}

describe('performArity', () => {
  it('counts required parameters and names them', () => {
    expect(performArity(NoArgsJob)).toEqual({ min: 0, max: 0, parameters: [] });
    expect(performArity(TwoArgsJob)).toEqual({ min: 2, max: 2, parameters: ['_to', '_subject'] });
  });

  it('marks parameters with defaults optional, whatever their default contains', () => {
    expect(performArity(DefaultsJob)).toEqual({
      min: 1,
      max: 3,
      parameters: ['_post', '_size?', '_label?'],
    });
  });

  it('lets a rest parameter take any number more', () => {
    expect(performArity(RestJob)).toMatchObject({
      min: 1,
      max: Infinity,
      parameters: ['_first', '..._more'],
    });
  });

  it('keeps a destructured parameter as one', () => {
    expect(performArity(DestructuringJob)).toMatchObject({ min: 0, max: 1 });
  });
});

describe('checkArgumentCount', () => {
  it('passes a count perform accepts', () => {
    expect(() => checkArgumentCount(DefaultsJob, 1)).not.toThrow();
    expect(() => checkArgumentCount(DefaultsJob, 3)).not.toThrow();
    expect(() => checkArgumentCount(RestJob, 9)).not.toThrow();
  });

  it('refuses another, saying what perform takes', () => {
    expect(() => checkArgumentCount(TwoArgsJob, 1)).toThrow(CliFailure);
    expect(() => checkArgumentCount(TwoArgsJob, 1)).toThrow(
      'TwoArgsJob.perform takes 2 arguments (_to, _subject); got 1',
    );
    expect(() => checkArgumentCount(DefaultsJob, 4)).toThrow(
      'DefaultsJob.perform takes 1 to 3 arguments (_post, _size?, _label?); got 4',
    );
    expect(() => checkArgumentCount(RestJob, 0)).toThrow(
      'RestJob.perform takes at least 1 argument (_first, ..._more); got 0',
    );
    expect(() => checkArgumentCount(NoArgsJob, 1)).toThrow('NoArgsJob.perform takes 0 arguments; got 1');
  });
});

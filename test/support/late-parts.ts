/**
 * The answer of a use*() test helper whose parts are made in its beforeAll: the parts known at
 * once are plain properties, the others getters that read them once made, and throw naming the
 * part when read earlier (at collection, or when the helper was not asked for it).
 *
 * Example:
 *   let parts: { adapter?: BullmqAdapter } = {};
 *   beforeAll(() => (parts = { adapter: new BullmqAdapter(...) }));
 *   return withLateParts('useX', { scope }, ['adapter'], () => parts);
 */
export function withLateParts<T extends object, K extends keyof T>(
  what: string,
  ready: Omit<T, K>,
  keys: readonly K[],
  parts: () => Partial<Pick<T, K>> | undefined,
): T {
  const answer = { ...ready } as T;
  for (const key of keys)
    Object.defineProperty(answer, key, {
      enumerable: true,
      get: () => {
        const value = parts()?.[key];
        if (value === undefined)
          throw new Error(`${what}: no ${String(key)} (made in beforeAll, if asked for)`);
        return value;
      },
    });
  return answer;
}

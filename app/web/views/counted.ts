/**
 * A count with its noun in the right number: "1 post", "2 posts", "0 aliases". Pages and flashes
 * use it wherever a number meets a noun, so no page says "1 posts".
 *
 * Example: counted(1, 'post') // '1 post'     counted(3, 'alias', 'aliases') // '3 aliases'
 */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

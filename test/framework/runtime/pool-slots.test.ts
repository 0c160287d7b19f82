/** PoolSlots: at most N held, a freed slot goes to the longest waiter, close() answers everyone false. */
import { describe, expect, it } from 'vitest';
import { PoolSlots } from '../../../app/framework/runtime/pool-slots';

describe('PoolSlots', () => {
  it('hands out N slots, then lines callers up first come first served', async () => {
    const slots = new PoolSlots(2);
    expect(await slots.take()).toBe(true);
    expect(await slots.take()).toBe(true);
    expect(slots.held).toBe(2);
    const order: string[] = [];
    const a = slots.take().then((ok) => order.push(`a:${ok}`));
    const b = slots.take().then((ok) => order.push(`b:${ok}`));
    expect(slots.contended()).toBe(true);
    slots.release();
    await a;
    expect(order).toEqual(['a:true']);
    expect(slots.held).toBe(2);
    slots.release();
    await b;
    expect(order).toEqual(['a:true', 'b:true']);
    expect(slots.contended()).toBe(false);
    slots.release();
    slots.release();
    expect(slots.held).toBe(0);
  });

  it('answers waiters and later callers false once closed', async () => {
    const slots = new PoolSlots(1);
    expect(await slots.take()).toBe(true);
    const waiting = slots.take();
    slots.close();
    expect(await waiting).toBe(false);
    expect(await slots.take()).toBe(false);
    slots.release();
    expect(slots.held).toBe(0);
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    expect(() => new PoolSlots(0)).toThrow(/size must be a whole number ≥ 1, got 0/);
  });
});

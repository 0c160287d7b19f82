import { describe, expect, it } from 'vitest';
import { ownSettings, settingsOf } from '../../app/framework/class-settings';
import { Job } from '../../app/framework/index';

class Plain extends Job {
  perform(): void {}
}
class AlsoPlain extends Job {
  perform(): void {}
}
class Parent extends Job {
  perform(): void {}
}
class Child extends Parent {}

describe('class settings', () => {
  it('are one shared, frozen empty set for classes that declare none (read on every enqueue and execution)', () => {
    expect(settingsOf(Plain)).toBe(settingsOf(AlsoPlain));
    expect(settingsOf(Plain)).toBe(settingsOf(Plain));
    expect(Object.isFrozen(settingsOf(Plain))).toBe(true);
    expect(() => settingsOf(Plain).callbacks.beforePerform.push(() => undefined)).toThrow(TypeError);
  });

  it("are a class's own once it declares one, inherited by subclasses, and leave the shared empty set alone", () => {
    Parent.queueAs('images');
    expect(settingsOf(Parent).queueName).toBe('images');
    expect(settingsOf(Child)).toBe(settingsOf(Parent));
    ownSettings(Child).priority = 5;
    expect(settingsOf(Child)).toMatchObject({ queueName: 'images', priority: 5 });
    expect(settingsOf(Parent).priority).toBeUndefined();
    expect(settingsOf(Plain)).toMatchObject({ queueName: 'default', priority: undefined, handlers: [] });
  });
});

import type { Unsubscribe } from './types.js';

/**
 * The smallest event source behind an `onSomething(listener)` of a service: synchronous, in
 * order of subscription, and safe against listeners that unsubscribe while being called.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener; the same function added twice is called twice. */
  on(listener: (value: T) => void): Unsubscribe {
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  /** Listeners now subscribed. */
  get size(): number {
    return this.listeners.size;
  }
}

/**
 * A small validator for service payloads: each schema knows what a valid value is, can say it
 * in words ("a non-empty string of at most 200 characters"), and carries the TypeScript type it
 * accepts, so that `schemas.ts` is checked against the interfaces of `types.ts` by the compiler.
 *
 * Objects are strict: a field the schema does not declare is an error, so that nothing the
 * service did not ask for reaches it. Validation never throws on hostile input (deep nesting,
 * odd prototypes); it reports the first problem found as a `SchemaIssue`.
 */

/** What is wrong with a value: where (field path from the request) and in words. */
export interface SchemaIssue {
  /** Field names from the request object down to the bad value; empty for the request itself. */
  path: string[];
  /** "must be a whole number from 1 to 1000, got 0". */
  problem: string;
}

/** A schema of any type (what an object's fields are). */
export interface AnySchema {
  /** What a valid value is, in words, to complete "must be …". */
  readonly description: string;
  /** Undefined when `value` is valid. */
  check(value: unknown): SchemaIssue | undefined;
  /** Set by `optional`: the field may be absent from its object. */
  readonly optional?: true;
}

export interface Schema<T> extends AnySchema {
  /** Carries the accepted type for the compiler (never set); invariant, so the types must match exactly. */
  readonly __type?: (value: T) => T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** How a value is shown in a message: short, never the whole of a large payload. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return `${JSON.stringify(shown)}${value.length > 60 ? ` (${value.length} characters)` : ''}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function mismatch<T>(description: string, accepts: (value: unknown) => boolean): Schema<T> {
  return {
    description,
    check: (value) => (accepts(value) ? undefined : { path: [], problem: `must be ${description}, got ${describeValue(value)}` }),
  };
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

export interface StringOptions {
  /** Default 0. */
  minLength?: number;
  maxLength: number;
  /** A pattern the whole string must match, with its description ("made of letters, digits, '-' and '_'"). */
  pattern?: { expression: RegExp; description: string };
}

/** A string with a length range (in UTF-16 code units) and an optional pattern. */
export function string(options: StringOptions): Schema<string> {
  const { minLength = 0, maxLength, pattern } = options;
  const length =
    minLength === 1 ? `a non-empty string of at most ${plural(maxLength, 'character')}` : minLength > 1 ? `a string of ${minLength} to ${maxLength} characters` : `a string of at most ${plural(maxLength, 'character')}`;
  const description = pattern ? `${length}, ${pattern.description}` : length;
  return mismatch(description, (value) => typeof value === 'string' && value.length >= minLength && value.length <= maxLength && (!pattern || pattern.expression.test(value)));
}

/** A whole number (a safe integer) from `min` to `max`. */
export function integer(min: number, max: number): Schema<number> {
  return mismatch(`a whole number from ${min} to ${max}`, (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max);
}

function formatBytes(count: number): string {
  if (count >= 1 << 20 && count % (1 << 20) === 0) return `${count / (1 << 20)} MiB`;
  if (count >= 1 << 10 && count % (1 << 10) === 0) return `${count / (1 << 10)} KiB`;
  return plural(count, 'byte');
}

/** Raw bytes (a Uint8Array; a Node Buffer is one) of a bounded length. */
export function bytes(minLength: number, maxLength: number): Schema<Uint8Array> {
  return mismatch(`a Uint8Array of ${formatBytes(minLength)} to ${formatBytes(maxLength)}`, (value) => value instanceof Uint8Array && value.length >= minLength && value.length <= maxLength);
}

/** An array of `minLength` to `maxLength` items, each valid for `item` (the first bad one is reported by its index). */
export function array<T>(item: Schema<T>, minLength: number, maxLength: number): Schema<T[]> {
  const description = `an array of ${minLength} to ${maxLength} items, each ${item.description}`;
  return {
    description,
    check(value) {
      if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) return { path: [], problem: `must be ${description}, got ${describeValue(value)}` };
      for (let index = 0; index < value.length; index++) {
        const issue = item.check(value[index]);
        if (issue) return { path: [String(index), ...issue.path], problem: issue.problem };
      }
      return undefined;
    },
  };
}

/** The request of a method that takes none: nothing may be sent. */
export const nothing: Schema<undefined> = mismatch('nothing (the method takes no request)', (value) => value === undefined);

/** A field that may be absent (or undefined). */
export function optional<T>(schema: Schema<T>): Schema<T | undefined> & { optional: true } {
  return {
    description: `${schema.description} (optional)`,
    optional: true,
    check: (value) => (value === undefined ? undefined : schema.check(value)),
  };
}

type Shape = Record<string, AnySchema>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<{ [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A plain object with exactly these fields (optional ones may be missing). An undeclared field
 * is an error: a typo in a caller is reported rather than silently ignored, and nothing the
 * service did not declare reaches it.
 */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const names = Object.keys(shape);
  const description = names.length === 0 ? 'an object with no fields' : `an object with the fields ${names.join(', ')}`;
  return {
    description,
    check(value) {
      if (!isPlainObject(value)) return { path: [], problem: `must be ${description}, got ${describeValue(value)}` };
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) {
          return { path: [], problem: `has an unexpected field ${JSON.stringify(key)} (${names.length === 0 ? 'it takes no fields' : `fields: ${names.join(', ')}`})` };
        }
      }
      for (const name of names) {
        const field = shape[name];
        const fieldValue = Object.hasOwn(value, name) ? value[name] : undefined;
        if (fieldValue === undefined && !field.optional) return { path: [name], problem: `is missing (${field.description})` };
        const issue = field.check(fieldValue);
        if (issue) return { path: [name, ...issue.path], problem: issue.problem };
      }
      return undefined;
    },
  };
}

/** "name must be …, got …" (or "request must be …" for the request itself). */
export function formatIssue(issue: SchemaIssue): string {
  return `${issue.path.length === 0 ? 'request' : issue.path.join('.')} ${issue.problem}`;
}

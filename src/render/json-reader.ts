/** Strict readers over parsed JSON. Each failure names the path of the offending value. */

/** Thrown by the readers; the caller turns it into an error that names the file. */
export class ShapeError extends Error {
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'ShapeError';
    this.path = path;
  }
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function mismatch(value: unknown, path: string, expected: string): ShapeError {
  // JSON has no undefined: a value read as undefined is a field the file leaves out.
  if (value === undefined) return new ShapeError(path, 'required field is missing');
  return new ShapeError(path, `expected ${expected}, got ${describeValue(value)}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object holding no fields but `keys` (unknown fields are refused, not ignored). */
export function readObject(value: unknown, path: string, keys: readonly string[]): JsonObject {
  if (!isObject(value)) throw mismatch(value, path, 'an object');
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw new ShapeError(at(path, unknown), 'unknown field');
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw mismatch(value, path, 'a string');
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw mismatch(value, path, 'true or false');
  return value;
}

export function readInteger(value: unknown, path: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw mismatch(value, path, `an integer >= ${minimum}`);
  }
  return value;
}

export function readArray<T>(
  value: unknown,
  path: string,
  readItem: (item: unknown, path: string) => T,
): T[] {
  if (!Array.isArray(value)) throw mismatch(value, path, 'an array');
  return value.map((item: unknown, index) => readItem(item, at(path, index)));
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const found = allowed.find((option) => option === value);
  if (found === undefined)
    throw mismatch(value, path, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  return found;
}

function hasKey<K extends string>(options: Readonly<Record<K, unknown>>, key: string): key is K {
  return Object.hasOwn(options, key);
}

/**
 * One of the keys of `options`. A `Record<Union, …>` lists every member of the union, so a member
 * added to the model fails to compile here until the reader accepts it.
 */
export function readKey<K extends string>(
  value: unknown,
  path: string,
  options: Readonly<Record<K, unknown>>,
): K {
  if (typeof value === 'string' && hasKey(options, value)) return value;
  throw mismatch(
    value,
    path,
    `one of ${Object.keys(options)
      .map((key) => JSON.stringify(key))
      .join(', ')}`,
  );
}

/** How to read one variant of a tagged union: the fields it may hold, and the reading itself. */
export interface VariantReader<T> {
  readonly keys: readonly string[];
  readonly read: (object: JsonObject, path: string) => T;
}

/** An object of a tagged union: the tag (`tagKey`) picks the reader, which then reads the object. */
export function readTagged<K extends string, T>(
  value: unknown,
  path: string,
  tagKey: string,
  readers: Readonly<Record<K, VariantReader<T>>>,
): T {
  if (!isObject(value)) throw mismatch(value, path, 'an object');
  const reader = readers[readKey(value[tagKey], at(path, tagKey), readers)];
  return reader.read(readObject(value, path, reader.keys), path);
}

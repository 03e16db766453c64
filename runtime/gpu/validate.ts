/**
 * Argument checks for the GPU layer, run before any native call (the C++ side trusts its inputs).
 * Every failure reads "Expected X for Y but received Z".
 */

/** A short, safe description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === "function") return "a function";
  // Our GPU objects describe themselves ("fp32 DeviceArray of 12 elements on GPU 0").
  if ((value as object).toString !== Object.prototype.toString) return String(value);
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

export function fail(expected: string, role: string, value: unknown, ErrorClass: typeof TypeError = TypeError): never {
  throw new ErrorClass(`Expected ${expected} for ${role} but received ${describe(value)}`);
}

/** An integer in [min, max] (default: 0 to Number.MAX_SAFE_INTEGER). */
export function expectInteger(value: unknown, role: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value)) fail(`an integer from ${min} to ${max}`, role, value);
  if (value < min || value > max) fail(`an integer from ${min} to ${max}`, role, value, RangeError);
  return value;
}

/** A finite number. */
export function expectFiniteNumber(value: unknown, role: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail("a finite number", role, value);
  return value;
}

export function expectBoolean(value: unknown, role: string): boolean {
  if (typeof value !== "boolean") fail("true or false", role, value);
  return value;
}

export function expectString(value: unknown, role: string): string {
  if (typeof value !== "string") fail("a string", role, value);
  return value;
}

/** One of the listed values. */
export function expectOneOf<T extends string | number>(value: unknown, allowed: readonly T[], role: string): T {
  if (!allowed.includes(value as T)) fail(`one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, role, value);
  return value as T;
}

/** A non-empty array, each element checked by check(element, role of element). */
export function expectArray<T>(value: unknown, role: string, check: (element: unknown, role: string) => T, minLength = 0): T[] {
  if (!Array.isArray(value)) fail("an array", role, value);
  if (value.length < minLength) fail(`an array of at least ${minLength} elements`, role, value, RangeError);
  return value.map((element, index) => check(element, `${role}[${index}]`));
}

/** An instance of Class (by prototype chain; Function so that classes with private constructors fit). */
export function expectInstance<T>(value: unknown, Class: Function & { prototype: T }, role: string): T {
  if (!(value instanceof Class)) fail(`a ${Class.name}`, role, value);
  return value as T;
}

/** [x, y, z] positive integers within the given limits. */
export function expectDim3(value: unknown, role: string, limits: readonly [number, number, number]): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) fail("an array [x, y, z]", role, value);
  return [
    expectInteger(value[0], `${role}[0]`, 1, limits[0]),
    expectInteger(value[1], `${role}[1]`, 1, limits[1]),
    expectInteger(value[2], `${role}[2]`, 1, limits[2]),
  ];
}

/** A GPU object living on the expected GPU (objects of two GPUs never mix in one call). */
export function expectSameGpu<G>(resource: { gpu: G; kind: string }, gpu: G & { ordinal: number }, role: string): void {
  if (resource.gpu !== gpu) {
    throw new TypeError(`Expected a ${resource.kind} of GPU ${gpu.ordinal} for ${role} but received one of another GPU`);
  }
}

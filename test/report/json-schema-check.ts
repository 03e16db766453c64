/**
 * Checks a value against a JSON Schema, for the keywords zod's generator writes: enough to prove the
 * shipped schema accepts a real plan, as a reader in another language would check it. An unknown
 * keyword is an error, so a newer generator cannot make the check pass by being skipped.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(["$schema", "title", "description", "default"]);

export function jsonSchemaErrors(schema: Schema, value: unknown, path = "$"): string[] {
  const errors: string[] = [];
  const fail = (why: string): number => errors.push(`${path}: ${why}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case "type": {
        const types = Array.isArray(rule) ? rule : [rule];
        if (!types.some((t) => typeOk(t as string, value))) fail(`expected ${types.join(" or ")}`);
        break;
      }
      case "const":
        if (value !== rule) fail(`expected ${JSON.stringify(rule)}`);
        break;
      case "enum":
        if (!(rule as unknown[]).includes(value)) fail(`expected one of ${JSON.stringify(rule)}`);
        break;
      case "anyOf":
        if (!(rule as Schema[]).some((s) => jsonSchemaErrors(s, value, path).length === 0)) fail("matches none of anyOf");
        break;
      case "minimum":
        if (typeof value === "number" && value < (rule as number)) fail(`below ${rule}`);
        break;
      case "maximum":
        if (typeof value === "number" && value > (rule as number)) fail(`above ${rule}`);
        break;
      case "exclusiveMinimum":
        if (typeof value === "number" && value <= (rule as number)) fail(`not above ${rule}`);
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < (rule as number)) fail(`shorter than ${rule}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(rule as string, "u").test(value)) fail(`does not match ${rule}`);
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < (rule as number)) fail(`fewer than ${rule} items`);
        break;
      case "maxItems":
        if (Array.isArray(value) && value.length > (rule as number)) fail(`more than ${rule} items`);
        break;
      case "prefixItems":
        if (Array.isArray(value)) (rule as Schema[]).forEach((s, i) => i < value.length && errors.push(...jsonSchemaErrors(s, value[i], `${path}[${i}]`)));
        break;
      case "items":
        if (Array.isArray(value)) {
          const first = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
          value.slice(first).forEach((item, i) => {
            if (rule === false) fail(`unexpected item ${first + i}`);
            else errors.push(...jsonSchemaErrors(rule as Schema, item, `${path}[${first + i}]`));
          });
        }
        break;
      case "required":
        if (isObject(value)) for (const key of rule as string[]) if (!(key in value)) fail(`missing ${key}`);
        break;
      case "properties":
        if (isObject(value)) {
          for (const [key, s] of Object.entries(rule as Record<string, Schema>)) {
            if (key in value) errors.push(...jsonSchemaErrors(s, value[key], `${path}.${key}`));
          }
        }
        break;
      case "additionalProperties":
        if (isObject(value)) {
          const known = Object.keys((schema.properties as Schema | undefined) ?? {});
          for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
            if (rule === false) fail(`unexpected key ${key}`);
            else errors.push(...jsonSchemaErrors(rule as Schema, value[key], `${path}.${key}`));
          }
        }
        break;
      case "propertyNames":
        if (isObject(value)) for (const key of Object.keys(value)) errors.push(...jsonSchemaErrors(rule as Schema, key, `${path} key ${key}`));
        break;
      default:
        fail(`the check does not know the keyword ${keyword}`);
    }
  }
  return errors;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** The profile's file text: indented JSON with each row of numbers on one line, so tables stay readable and diffs short. */
import type { Profile } from "../profile/schema.js";

export function formatProfileJson(profile: Profile): string {
  const text = JSON.stringify(profile, null, 2);
  return `${text.replace(/\[\s+(-?[0-9][-0-9.e+,\s]*?)\s+\]/g, (_, numbers: string) => `[${numbers.split(/,\s*/).join(", ")}]`)}\n`;
}

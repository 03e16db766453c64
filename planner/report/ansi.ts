/** ANSI styling that is a no-op unless color was asked for (the caller checks for a TTY). */

export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  good(text: string): string;
  warn(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

export function textStyle(color: boolean): TextStyle {
  if (!color) return { bold: plain, dim: plain, good: plain, warn: plain };
  return { bold: wrap(1, 22), dim: wrap(2, 22), good: wrap(32, 39), warn: wrap(33, 39) };
}

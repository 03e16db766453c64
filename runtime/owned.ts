/**
 * Resources a constructor makes one after another and then owns: each is added as it is made, and
 * all are freed in reverse order, also when a later one fails to be made.
 */
export interface Disposable {
  dispose(): void;
}

/** Adds `resource` to `owned` and returns it. */
export function own<T extends Disposable>(owned: Disposable[], resource: T): T {
  owned.push(resource);
  return resource;
}

/** Frees `owned`, the last made first. */
export function disposeInReverse(owned: readonly Disposable[]): void {
  for (const resource of [...owned].reverse()) resource.dispose();
}

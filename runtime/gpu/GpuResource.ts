/**
 * Base of the TypeScript objects that own a native object: one place for the disposed check and
 * an idempotent dispose().
 */
import type { NativeDisposable } from "../binding/AddonTypes.js";

export abstract class GpuResource<Native extends NativeDisposable> {
  readonly #native: Native;
  /** What this is, in messages: "Stream", "DeviceArray", ... */
  abstract readonly kind: string;

  protected constructor(native: Native) {
    this.#native = native;
  }

  get disposed(): boolean {
    return this.#native.disposed;
  }

  /** Releases the native resource (children made from it keep what they need). Idempotent. */
  dispose(): void {
    this.#native.dispose();
  }

  /**
   * The live native object, for this package's own use; `role` says what it is used as.
   * @internal
   */
  nativeFor(role: string): Native {
    if (this.#native.disposed) {
      throw new Error(`Expected a live ${this.kind} for ${role} but received one that was disposed`);
    }
    return this.#native;
  }
}

/** NCCL communicators over the first GPUs, one set per CTA limit, made once (NCCL's set-up costs a second or more). */
import { createNcclCommunicators, type NcclCommunicators } from "../../../runtime/gpu/index.js";
import type { GpuContext } from "./gpu-context.js";

export class Communicators {
  private readonly made = new Map<string, Promise<NcclCommunicators>>();
  private readonly ready: NcclCommunicators[] = [];

  /** Ranks on `contexts` in order, NCCL limited to `maxCTAs` CTAs (one SM each). */
  get(contexts: readonly GpuContext[], maxCTAs: number): Promise<NcclCommunicators> {
    const key = `${contexts.map((ctx) => ctx.gpu.ordinal).join(",")}/${maxCTAs}`;
    let communicators = this.made.get(key);
    if (!communicators) {
      communicators = createNcclCommunicators(contexts.map((ctx) => ctx.gpu), { maxCTAs }).then((made) => {
        this.ready.push(made);
        return made;
      });
      this.made.set(key, communicators);
    }
    return communicators;
  }

  dispose(): void {
    for (const communicators of this.ready) communicators.dispose();
  }
}

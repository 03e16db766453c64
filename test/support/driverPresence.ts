/** Whether this machine has a usable CUDA driver with a GPU: CPU tests expect different outcomes. */
import { loadAddon } from "../../runtime/binding/loadAddon.js";

/** undefined when a GPU is usable, else why not. */
export function whyNoGpu(): string | undefined {
  try {
    return loadAddon().listDevices().length > 0 ? undefined : "the CUDA driver reports no GPU";
  } catch (error) {
    return (error as Error).message.split("\n")[0]!.replace(/ Searched:$/, "");
  }
}

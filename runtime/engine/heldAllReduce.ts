/**
 * A stand-in for the all-reduce that times a tensor-parallel plan as if summing across GPUs cost
 * exactly what the plan predicts and nothing more: each rank's part holds its SMs (hold.cu) for the
 * plan's predicted time of that sum and sums nothing. The ranks then never wait for one another,
 * and no kernel polls a peer or moves data over NVLink beside the other ops, so a run with it beside
 * a run with NCCL or the peer kernel shows what the network costs beyond the plan; and a plan's
 * ranks can run apart, even one rank alone on one GPU. The model's output is not computed.
 */
import type { PlanOperation } from "../../planner/plan/schema.js";
import type { DeviceArray, Stream } from "../gpu/index.js";
import { disposeInReverse, own } from "../owned.js";
import type { ResidualAllReduce } from "./collectives.js";
import type { RankEngine } from "./RankEngine.js";

export class HeldAllReduce implements ResidualAllReduce {
  private constructor(
    private readonly engines: readonly RankEngine[],
    /** What a sum outside the plan's ops (the prologue's) is held for a row. */
    private readonly usPerRow: number,
    /** Per rank, the hold kernel's sink. */
    private readonly sinks: readonly DeviceArray<"int32">[],
    private readonly owned: { dispose(): void }[],
  ) {}

  /** For a mode: `operations`, its ops, include the all-reduces it plans. */
  static create(engines: readonly RankEngine[], operations: readonly PlanOperation[]): HeldAllReduce {
    const usPerRow = plannedUsPerRow(operations);
    const owned: { dispose(): void }[] = [];
    try {
      const sinks = engines.map((engine) => own(owned, engine.gpu.allocate("int32", 1)));
      return new HeldAllReduce(engines, usPerRow, sinks, owned);
    } catch (error) {
      disposeInReverse(owned);
      throw error;
    }
  }

  sumRows(streams: readonly Stream[], rows: readonly [number, number], sms: number, plannedUs?: number): void {
    const ns = 1000 * (plannedUs ?? (rows[1] - rows[0]) * this.usPerRow);
    this.engines.forEach((engine, rank) => engine.state.kernels.hold(streams[rank]!, sms, ns, this.sinks[rank]!));
  }

  dispose(): void {
    disposeInReverse(this.owned);
  }
}

/** The planned all-reduces' time a row, over all of them. */
export function plannedUsPerRow(operations: readonly PlanOperation[]): number {
  const allReduces = operations.filter((op) => op.kind === "all_reduce");
  if (allReduces.length === 0) throw new RangeError("Expected operations with all-reduces to hold for, but they have none");
  const us = allReduces.reduce((sum, op) => sum + op.endUs - op.startUs, 0);
  return us / allReduces.reduce((sum, op) => sum + op.rows[1] - op.rows[0], 0);
}

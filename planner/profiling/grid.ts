/**
 * The measurement grid: which token counts, sizes and SM shares each table is measured at, for a
 * full profile and for a `--quick` smoke run. SM shares cover how plans partition a GPU
 * (planner/schedule/build-problem.ts): compute and network partitions are split off in the steps
 * green contexts grant (compute at least half the GPU), NCCL is held to at most 32 CTAs, and
 * attention gets the remainder; or an op has the whole GPU. So GEMMs and the small kernels are
 * measured on split groups and the whole GPU, attention on split groups and on the remainders
 * plans give it (shares off the step are measured as remainders, the others as split groups).
 */

export interface GridDevice {
  sms: number;
  /** max: the largest partition one split grants (15 groups of 8 = 120 of an H100's 132 SMs). */
  partition: { min: number; granularity: number; max: number };
}

export interface ProfileGrid {
  gemmTokens: number[];
  gemmSms: number[];
  attentionRequests: number[];
  attentionContext: number[];
  attentionSms: number[];
  /** KV bytes (K and V) one measured attention launch reads at most; larger points are scaled. */
  attentionMaxKvBytes: number;
  elementwiseTokens: number[];
  elementwiseSms: number[];
  allReduceBytes: number[];
  allReduceCtas: number[];
  /** Attention's SMs beside the GEMM's, one split each: the remainders plans give attention beside a compute group. */
  attentionPartnerSms: number[];
  /** The GEMM's rows beside attention: the nano-batch sizes plans cut, down to where a GEMM reads its weights near the memory's limit. */
  attentionPartnerGemmTokens: number[];
  /** The network partition's SMs, each beside the GEMM on the largest group one split grants with it. */
  allReducePartnerSms: number[];
  /** The memory partition beside each all-reduce share: what plans beside a network partition give attention. */
  attentionBesideAllReduceSms: number;
}

/** NCCL's default CTA limit: plans give the network partition at most this many SMs. */
export const MAX_NETWORK_SMS = 32;

const GIB = 2 ** 30;
const MIB = 2 ** 20;

export function profileGrid(device: GridDevice, quick: boolean): ProfileGrid {
  const { sms } = device;
  const splits = splitSizes(device);
  const memoryShares = splits.filter((s) => s <= sms / 2);
  // Plans give compute a group of at least half the GPU and attention the remainder.
  const memoryRemainders = ascending(splits.filter((s) => s >= sms / 2).map((s) => sms - s));
  const networkShares = splits.filter((s) => s <= MAX_NETWORK_SMS);
  const computeSms = ascending([...splits, sms]);
  // Plans run attention on a split's remainder, which reads at its own speed (the leftover SMs sit
  // in a few GPCs: runtime/kernels/memoryGroups.ts), so the remainders plans use are measured as such.
  const attentionSms = ascending([...splits, ...memoryRemainders, sms]);
  if (quick) {
    const middle = splits.find((s) => s >= sms / 2) ?? sms;
    return {
      gemmTokens: [64, 1024, 8192],
      gemmSms: ascending([splits[1] ?? splits[0] ?? sms, middle, sms]),
      attentionRequests: [64, 1024, 8192],
      attentionContext: [512, 4096],
      attentionSms: ascending([splits[0] ?? sms, networkShares.at(-1) ?? sms, sms]),
      attentionMaxKvBytes: 256 * MIB,
      elementwiseTokens: [64, 1024, 8192],
      elementwiseSms: ascending([splits[0] ?? sms, middle, sms]),
      allReduceBytes: [256 * 2 ** 10, 16 * MIB],
      allReduceCtas: ascending([networkShares[0] ?? MAX_NETWORK_SMS, MAX_NETWORK_SMS]),
      attentionPartnerSms: ascending([memoryRemainders[0] ?? sms - splits.at(-1)!, memoryRemainders.at(-1) ?? sms - splits.at(-1)!]),
      attentionPartnerGemmTokens: [256, 2048],
      allReducePartnerSms: ascending([networkShares[0] ?? splits[0]!, networkShares.at(-1) ?? splits[0]!]),
      attentionBesideAllReduceSms: attentionBesideAllReduce(memoryShares),
    };
  }
  return {
    gemmTokens: [64, 128, 256, 512, 1024, 2048, 4096, 8192],
    gemmSms: computeSms,
    attentionRequests: [16, 64, 256, 1024, 2048, 4096, 8192],
    attentionContext: [128, 512, 1024, 2048, 4096, 8192, 16384],
    attentionSms,
    attentionMaxKvBytes: GIB,
    elementwiseTokens: [64, 128, 256, 512, 1024, 2048, 4096, 8192],
    elementwiseSms: computeSms,
    allReduceBytes: [16, 18, 20, 22, 24, 26, 28].map((power) => 2 ** power),
    allReduceCtas: networkShares,
    attentionPartnerSms: memoryRemainders,
    attentionPartnerGemmTokens: [128, 256, 512, 1024, 2048],
    allReducePartnerSms: networkShares,
    attentionBesideAllReduceSms: attentionBesideAllReduce(memoryShares),
  };
}

/** Plans made from measured H100 and H200 profiles give attention 20 to 24 SMs beside a network partition. */
function attentionBesideAllReduce(memoryShares: readonly number[]): number {
  return memoryShares.find((s) => s >= 24) ?? memoryShares.at(-1) ?? 24;
}

/** The smallest partition a split can carve: the minimum, rounded up to the granularity. */
export function smallestSplit(partition: { min: number; granularity: number }): number {
  return Math.ceil(partition.min / partition.granularity) * partition.granularity;
}

/** Partition sizes one split can carve: multiples of the granularity from the minimum to the largest it grants. */
export function splitSizes({ sms, partition }: GridDevice): number[] {
  const out: number[] = [];
  for (let s = smallestSplit(partition); s <= partition.max && s < sms; s += partition.granularity) out.push(s);
  return out;
}

function ascending(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

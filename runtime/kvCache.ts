/**
 * The paged KV cache: per layer, K and V of [pages, kvHeads, pageSize, headDim] bf16, as
 * decode_attention.cu and rope_kv_append.cu lay them out. The last page is scratch for padding rows.
 */
import { ATTENTION_PAGE_SIZE } from "./kernels/kernelContracts.js";
import type { DeviceArray, Gpu } from "./gpu/index.js";
import type { ModelShape } from "./model/modelShape.js";

export interface KvCacheLayout {
  pageSize: number;
  /** Pages requests may use: [0, usablePages). */
  usablePages: number;
  /** The page padding rows write to. */
  scratchPage: number;
  /** Page-table width: the most pages one request may have. */
  maxPages: number;
}

/** Enough pages for `requests` requests of up to `maxContext` tokens each, plus the scratch page. */
export function kvCacheLayout(requests: number, maxContext: number, pages?: number): KvCacheLayout {
  const maxPages = Math.ceil(maxContext / ATTENTION_PAGE_SIZE);
  const usablePages = pages ?? requests * maxPages;
  return { pageSize: ATTENTION_PAGE_SIZE, usablePages, scratchPage: usablePages, maxPages };
}

export class PagedKvCache {
  readonly k: DeviceArray<"bf16">[] = [];
  readonly v: DeviceArray<"bf16">[] = [];

  constructor(gpu: Gpu, shape: ModelShape, readonly layout: KvCacheLayout) {
    const elements = (layout.usablePages + 1) * shape.kvHeads * layout.pageSize * shape.headDim;
    try {
      for (let layer = 0; layer < shape.layers; layer++) {
        this.k.push(gpu.allocate("bf16", elements));
        this.v.push(gpu.allocate("bf16", elements));
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get bytes(): number {
    return [...this.k, ...this.v].reduce((sum, array) => sum + array.byteLength, 0);
  }

  dispose(): void {
    for (const array of [...this.k, ...this.v]) array.dispose();
  }
}

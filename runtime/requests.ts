/**
 * One decode iteration's requests, checked before anything is launched: a bad request would make a
 * kernel read or write outside the KV cache. Rows past the requests are padding that the captured
 * iteration still computes: they decode token 0 at position 0 into a scratch page no request owns.
 */
import type { KvCacheLayout } from "./kvCache.js";

export interface DecodeRequest {
  /** The token whose successor is wanted (the last one of the request so far). */
  token: number;
  /** Its position: the request's context length before it, 0 for the first token. */
  position: number;
  /** The request's KV-cache pages, in key order; page k holds positions [k·pageSize, (k+1)·pageSize). */
  pages: ArrayLike<number>;
}

/** What step() uploads: one row per planned token, requests first, then padding. */
export interface DecodeInputs {
  requests: number;
  tokens: Int32Array;
  positions: Int32Array;
  contextLens: Int32Array;
  /** [rows, maxPages] */
  pageTable: Int32Array;
}

export class RequestError extends RangeError {
  override name = "RequestError";
}

export function checkDecodeRequests(requests: readonly DecodeRequest[], rows: number, vocab: number, cache: KvCacheLayout): DecodeInputs {
  if (!Array.isArray(requests) || requests.length === 0) throw new RequestError("Expected a non-empty array of decode requests");
  if (requests.length > rows) throw new RequestError(`${requests.length} requests is more than the ${rows} rows the plan's batch holds`);
  const { maxPages, pageSize, usablePages, scratchPage } = cache;
  const tokens = new Int32Array(rows);
  const positions = new Int32Array(rows);
  const contextLens = new Int32Array(rows).fill(1);
  const pageTable = new Int32Array(rows * maxPages).fill(scratchPage);
  requests.forEach((request, row) => {
    const at = `request ${row}`;
    if (!Number.isInteger(request?.token) || request.token < 0 || request.token >= vocab) throw new RequestError(`${at}: token ${String(request?.token)} is not in [0, ${vocab})`);
    if (!Number.isInteger(request.position) || request.position < 0) throw new RequestError(`${at}: position ${String(request.position)} is not a non-negative integer`);
    if (request.position >= maxPages * pageSize) throw new RequestError(`${at}: position ${request.position} is beyond the KV cache's ${maxPages * pageSize} positions per request`);
    const pages = request.pages;
    const needed = Math.floor(request.position / pageSize) + 1;
    if (!pages || pages.length < needed) throw new RequestError(`${at}: position ${request.position} needs ${needed} pages, the request has ${pages?.length ?? 0}`);
    if (pages.length > maxPages) throw new RequestError(`${at}: ${pages.length} pages is more than the ${maxPages} a request may have`);
    for (let k = 0; k < pages.length; k++) {
      const page = pages[k]!;
      if (!Number.isInteger(page) || page < 0 || page >= usablePages) throw new RequestError(`${at}: page ${String(page)} (entry ${k}) is not a page of the KV cache [0, ${usablePages})`);
      pageTable[row * maxPages + k] = page;
    }
    tokens[row] = request.token;
    positions[row] = request.position;
    contextLens[row] = request.position + 1;
  });
  return { requests: requests.length, tokens, positions, contextLens, pageTable };
}

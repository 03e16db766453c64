/** Decode requests are checked before any launch; rows past them are padding on the scratch page. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { kvCacheLayout } from "../../runtime/kvCache.js";
import { checkDecodeRequests, RequestError } from "../../runtime/requests.js";

const layout = kvCacheLayout(4, 64); // 4 pages a request, 16 usable pages, page 16 is scratch

test("requests become rows of tokens, positions, context lengths and page tables, padded to the batch", () => {
  const inputs = checkDecodeRequests([{ token: 7, position: 17, pages: [3, 9] }, { token: 0, position: 0, pages: [15] }], 3, 100, layout);
  assert.equal(inputs.requests, 2);
  assert.deepEqual([...inputs.tokens], [7, 0, 0]);
  assert.deepEqual([...inputs.positions], [17, 0, 0]);
  assert.deepEqual([...inputs.contextLens], [18, 1, 1]);
  assert.deepEqual([...inputs.pageTable], [3, 9, 16, 16, 15, 16, 16, 16, 16, 16, 16, 16]);
});

test("bad requests are refused with what is wrong", () => {
  const refuse = (requests: Parameters<typeof checkDecodeRequests>[0], pattern: RegExp, rows = 3) =>
    assert.throws(() => checkDecodeRequests(requests, rows, 100, layout), (error: unknown) => error instanceof RequestError && pattern.test(error.message));
  refuse([{ token: 1, position: 64, pages: [0, 1, 2, 3] }], /request 0: position 64 is beyond the KV cache's 64 positions per request/);
  refuse([{ token: 1, position: 5, pages: [16] }], /page 16 \(entry 0\) is not a page of the KV cache \[0, 16\)/);
  refuse([{ token: 1, position: 5, pages: [-1] }], /page -1/);
  refuse([{ token: 1, position: 20, pages: [1] }], /position 20 needs 2 pages, the request has 1/);
  refuse([{ token: 1, position: 0, pages: [0, 1, 2, 3, 4] }], /5 pages is more than the 4/);
  refuse([{ token: 100, position: 0, pages: [0] }], /token 100 is not in \[0, 100\)/);
  refuse([{ token: 1, position: 1.5, pages: [0] }], /position 1.5/);
  refuse(Array.from({ length: 4 }, () => ({ token: 1, position: 0, pages: [0] })), /4 requests is more than the 3 rows the plan's batch holds/);
  refuse([], /non-empty/);
});

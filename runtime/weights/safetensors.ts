/**
 * The safetensors format (Hugging Face): 8 bytes little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}} and the raw tensors,
 * offsets counted from the end of the header. Reads BF16 (as raw bits) and F32; other dtypes are refused by name.
 * Tensors are read one at a time, so a big file is never held whole in memory.
 */
import { open, type FileHandle } from "node:fs/promises";

export type SafetensorsDtype = "BF16" | "F32";

export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range in the file. */
  begin: number;
  end: number;
}

/** A tensor's elements: bf16 as raw bits, f32 as float32. */
export type TensorData = { dtype: "BF16"; shape: number[]; data: Uint16Array } | { dtype: "F32"; shape: number[]; data: Float32Array };

const HEADER_LIMIT = 100 * 2 ** 20;
const ELEMENT_BYTES: Record<SafetensorsDtype, number> = { BF16: 2, F32: 4 };

export class SafetensorsFile {
  private constructor(readonly path: string, private readonly file: FileHandle, readonly tensors: ReadonlyMap<string, TensorInfo>, readonly metadata: Record<string, string>) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const length = Buffer.alloc(8);
      if (size < 8 || (await file.read(length, 0, 8, 0)).bytesRead !== 8) throw new Error("shorter than its 8-byte header length");
      const headerBytes = Number(length.readBigUInt64LE(0));
      if (headerBytes > HEADER_LIMIT || 8 + headerBytes > size) throw new Error(`header length ${headerBytes} does not fit the file of ${size} bytes`);
      const headerText = Buffer.alloc(headerBytes);
      await file.read(headerText, 0, headerBytes, 8);
      const header = JSON.parse(headerText.toString("utf8")) as Record<string, unknown>;
      const { tensors, metadata } = parseHeader(header, 8 + headerBytes, size);
      return new SafetensorsFile(path, file, tensors, metadata);
    } catch (error) {
      await file.close();
      throw new Error(`cannot read ${path} as safetensors: ${(error as Error).message}`);
    }
  }

  async read(name: string): Promise<TensorData> {
    const info = this.tensors.get(name);
    if (!info) throw new Error(`${this.path} has no tensor ${name}`);
    const bytes = Buffer.alloc(info.end - info.begin);
    const { bytesRead } = await this.file.read(bytes, 0, bytes.length, info.begin);
    if (bytesRead !== bytes.length) throw new Error(`${this.path}: tensor ${name} is truncated`);
    // Copy into an aligned buffer: the tensor's offset in the file need not be a multiple of 4.
    const aligned = new Uint8Array(bytes.length);
    aligned.set(bytes);
    return info.dtype === "BF16"
      ? { dtype: "BF16", shape: info.shape, data: new Uint16Array(aligned.buffer) }
      : { dtype: "F32", shape: info.shape, data: new Float32Array(aligned.buffer) };
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

function parseHeader(header: Record<string, unknown>, dataStart: number, fileSize: number): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (entry.dtype !== "BF16" && entry.dtype !== "F32") throw new Error(`tensor ${name}: dtype ${String(entry.dtype)} is not supported (BF16 or F32)`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`tensor ${name}: bad shape ${JSON.stringify(shape)}`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) throw new Error(`tensor ${name}: bad data_offsets ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets as [number, number];
    const expected = shape.reduce((a: number, b: number) => a * b, 1) * ELEMENT_BYTES[entry.dtype];
    if (end - begin !== expected) throw new Error(`tensor ${name}: ${end - begin} bytes for shape [${shape.join(", ")}] of ${entry.dtype} (expected ${expected})`);
    if (dataStart + end > fileSize) throw new Error(`tensor ${name} ends past the end of the file`);
    tensors.set(name, { dtype: entry.dtype, shape, begin: dataStart + begin, end: dataStart + end });
  }
  return { tensors, metadata };
}

/** Writes tensors (bf16 as raw bits, f32 as float32) in the same format. */
export function encodeSafetensors(tensors: ReadonlyMap<string, TensorData>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const bytes = tensor.data.byteLength;
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // Pad the header with spaces to 8 bytes, as the reference writer does, so tensors stay aligned.
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const headerBytes = Buffer.concat([json, Buffer.from(" ".repeat((8 - (json.length % 8)) % 8))]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  const parts = [length, headerBytes, ...[...tensors.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
  return Buffer.concat(parts);
}

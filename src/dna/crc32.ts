// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), for the .dna header's checksum of the encoded data.
import { describeValue } from "../args.ts";

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

// The register, fed a byte at a time, so a checksum can be taken over data that is never laid out as bytes.
export const CRC32_START = 0xffffffff;
/** The register after one more byte: the low 8 bits of `byte`. */
export const crc32Byte = (c: number, byte: number): number => TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
export const crc32End = (c: number): number => (c ^ 0xffffffff) >>> 0;

/** The CRC-32 (IEEE, zlib's) of `bytes`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`bytes must be a Uint8Array; got ${describeValue(bytes)}`);
  let c = CRC32_START;
  for (let i = 0; i < bytes.length; i++) c = crc32Byte(c, bytes[i]);
  return crc32End(c);
}

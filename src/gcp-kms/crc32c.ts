/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven, as used by Cloud KMS
 * for request/response integrity (https://cloud.google.com/kms/docs/data-integrity-guidelines).
 * Check value (RFC 3720 appendix B.4): crc32c("123456789") = 0xE3069283.
 *
 * Written here rather than imported: it is 20 lines and keeps the provider free of extra
 * dependencies. A checksum, not a MAC: it detects corruption, not tampering.
 *
 * @module
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC32C of `bytes` as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

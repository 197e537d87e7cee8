// The one serial-number rule for every certificate this project issues.
import { randomBytes } from 'node:crypto';

export type Random = (size: number) => Buffer;

/**
 * 16 random bytes (RFC 5280 4.1.2.2: at most 20 octets, unpredictable), first byte with its high bit
 * cleared (a DER INTEGER that stays positive) and its low bit set (no leading zero byte to strip).
 */
export function randomSerial(random: Random = randomBytes): Buffer {
  const bytes = Buffer.from(random(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes;
}

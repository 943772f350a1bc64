import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Length of the authentication scramble ("auth plugin data") sent in the handshake. */
export const SCRAMBLE_LENGTH = 20;

/**
 * Creates a random 20-byte scramble. Like MySQL, bytes are printable ASCII without NUL, because some
 * clients read the second half of the handshake scramble as a NUL-terminated string.
 */
export function createScramble(): Buffer {
  const bytes = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x21 + (bytes[i]! % 94);
  return bytes;
}

function sha1(...parts: Buffer[]): Buffer {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * The mysql_native_password auth response a client computes:
 * `SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw)))`; empty for an empty password.
 */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const stage2 = sha1(stage1);
  const mask = sha1(scramble, stage2);
  for (let i = 0; i < stage1.length; i++) stage1[i] = stage1[i]! ^ mask[i]!;
  return stage1;
}

/** Checks a mysql_native_password auth response against the expected password. */
export function verifyNativePassword(password: string, scramble: Buffer, response: Buffer): boolean {
  if (password === '') return response.length === 0 || (response.length === 1 && response[0] === 0);
  const expected = nativePasswordToken(password, scramble);
  return response.length === expected.length && timingSafeEqual(response, expected);
}

// Constant-time signature and token checks. Both sides are first reduced to HMACs under a key
// made at start-up, and those equal-length digests are compared with timingSafeEqual: neither the
// position of the first differing byte nor the length of what was sent shows in the timing.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const compareKey = randomBytes(32);

function digest(value: string): Buffer {
  return createHmac("sha256", compareKey).update(value, "utf8").digest();
}

/** a === b, in time that depends on neither value. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The lower-case hex HMAC-SHA256 of the exact bytes received. */
export function hmacSha256Hex(secret: string, rawBody: Buffer): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/**
 * Whether `givenHex` is the HMAC-SHA256 of the body under any accepted secret. Every secret is
 * tried (no early exit), so the answer takes as long whichever one matched.
 */
export function signatureMatchesAny(givenHex: string, rawBody: Buffer, secrets: readonly string[]): boolean {
  const given = givenHex.trim().toLowerCase();
  let matched = false;
  for (const secret of secrets) {
    if (constantTimeEqual(hmacSha256Hex(secret, rawBody), given)) matched = true;
  }
  return matched;
}

/** For providers that send the secret itself (GitLab): the same constant-time compare, every secret tried. */
export function tokenMatchesAny(given: string, secrets: readonly string[]): boolean {
  let matched = false;
  for (const secret of secrets) {
    if (constantTimeEqual(secret, given)) matched = true;
  }
  return matched;
}

/** Reads `sha256=<hex>`; null when the value has another form (e.g. sha1=…). */
export function sha256Param(value: string | null): string | null {
  if (value === null) return null;
  const match = /^sha256=(.*)$/i.exec(value.trim());
  return match ? match[1]! : null;
}

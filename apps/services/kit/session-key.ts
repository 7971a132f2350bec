import { randomBytes } from "node:crypto";

/**
 * A user's session signing key (32 random bytes, base64url), written once at registration
 * (see session.ts). Apart from session.ts so registration's bundle does not need jose.
 */
export function newSessionKey(): string {
  return randomBytes(32).toString("base64url");
}

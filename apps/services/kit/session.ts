import type { IncomingHttpHeaders } from "node:http";
import { HttpError } from "./http";

/**
 * Session tokens: JWTs (HS256, via jose) signed with a random key kept in the user's own
 * record, written at registration. service-user signs at login; any service that may read
 * the users table verifies, whichever replica answers, with no key shared between pods or
 * kept in Terraform state. A token names its user (`sub`), so the verifier fetches that
 * user's key: a deleted user's tokens stop working at once.
 */

// jose is ESM-only; these files compile to CommonJS (the repository's module setting), so load it by import().
const jose = () => import("jose");
export const SESSION_ISSUER = "service-user";
export const SESSION_AUDIENCE = "reference-system";
export const SESSION_TTL_SECONDS = 3600;

export { newSessionKey } from "./session-key";

export async function signSession(username: string, sessionKey: string, now = Date.now()): Promise<{ token: string; expiresAt: string }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + SESSION_TTL_SECONDS;
  const { SignJWT } = await jose();
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(username)
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(Buffer.from(sessionKey, "base64url"));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * The bearer token of a request, or 401. Behind VPC Lattice IAM auth the caller's signing
 * proxy puts its SigV4 signature in Authorization and passes the caller's own header on as
 * X-Original-Authorization (docs/mesh.md); the token is verified the same either way.
 */
export function bearerToken(headers: IncomingHttpHeaders): string {
  const original = headers["x-original-authorization"];
  const header = typeof original === "string" && original.startsWith("Bearer ") ? original : headers.authorization;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(String(header ?? ""));
  if (!match) throw new HttpError(401, "log in first: send the session token as Authorization: Bearer <token>");
  return match[1];
}

/** Verifies a token against its user's key (looked up by `sub`); the username, or 401. */
export async function verifySession(token: string, sessionKeyOf: (username: string) => Promise<string | undefined>, now = Date.now()): Promise<string> {
  const invalid = new HttpError(401, "the session token is invalid or expired; log in again");
  const { decodeJwt, jwtVerify } = await jose();
  let subject: string | undefined;
  try {
    subject = decodeJwt(token).sub;
  } catch {
    throw invalid;
  }
  if (!subject) throw invalid;
  const key = await sessionKeyOf(subject);
  if (!key) throw invalid;
  try {
    const { payload } = await jwtVerify(token, Buffer.from(key, "base64url"), {
      algorithms: ["HS256"],
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      currentDate: new Date(now),
    });
    return payload.sub!;
  } catch {
    throw invalid;
  }
}

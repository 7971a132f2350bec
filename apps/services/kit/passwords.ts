import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with scrypt from node:crypto (no native add-on to build). Parameters
 * follow OWASP's Password Storage Cheat Sheet (N=2^15, r=8, p=3: 32 MiB per hash) and are
 * stored with each hash, so they can be raised later without breaking old records:
 * `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>`.
 */
const LOG_N = 15;
const R = 8;
const P = 3;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize("NFKC"), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, LOG_N, R, P);
  return ["scrypt", LOG_N, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

/** A hash of nothing, checked when the user does not exist, so both answers take as long. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const record = stored ?? (await (decoy ??= hashPassword(randomBytes(16).toString("hex"))));
  const parts = record.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20) return false;
  const expected = Buffer.from(parts[5], "base64");
  const actual = await scrypt(password, Buffer.from(parts[4], "base64"), logN, r, p);
  return stored !== undefined && expected.length === actual.length && timingSafeEqual(expected, actual);
}

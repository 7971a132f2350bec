import { HttpError } from "./http";

/** Input rules shared by the services, each refusal a 400 that says what to send instead. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "send a JSON object");
  return body as Record<string, unknown>;
}

function str(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === "") throw new HttpError(400, `${field} is required`);
  if (typeof v !== "string") throw new HttpError(400, `${field} must be a string`);
  return v;
}

export const USERNAME_RULE = "3-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

export function username(body: Record<string, unknown>): string {
  const v = str(body, "username");
  if (!/^[a-z0-9][a-z0-9._-]{2,31}$/.test(v)) throw new HttpError(400, `username must be ${USERNAME_RULE}`);
  return v;
}

/** For login: present and a string; its strength is checked at registration only. */
export function anyPassword(body: Record<string, unknown>): string {
  const v = str(body, "password");
  if (v.length > 128) throw new HttpError(400, "password must be at most 128 characters");
  return v;
}

export function newPassword(body: Record<string, unknown>, user: string): string {
  const v = anyPassword(body);
  if ([...v].length < 10) throw new HttpError(400, "password is too weak: use at least 10 characters");
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  if (classes < 2) throw new HttpError(400, "password is too weak: mix at least two of lower-case, upper-case, digits and symbols");
  if (v.toLowerCase().includes(user)) throw new HttpError(400, "password is too weak: it contains the username");
  return v;
}

/** Free text: trimmed, 1..max characters, no control characters. */
export function text(body: Record<string, unknown>, field: string, max: number, fallback?: string): string {
  if (fallback !== undefined && (body[field] === undefined || body[field] === "")) return fallback;
  const v = str(body, field).trim();
  if (!v) throw new HttpError(400, `${field} is empty`);
  if ([...v].length > max) throw new HttpError(400, `${field} must be at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v)) throw new HttpError(400, `${field} contains control characters`);
  return v;
}

export function roomId(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(value)) throw new HttpError(400, "room must be 1-40 characters: lower-case letters, digits or '-', starting with a letter or digit");
  return value;
}

/** An optional integer query parameter within bounds. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `${name} must be a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new HttpError(400, `${name} must be between ${min} and ${max}`);
  return n;
}

import { unmarshall } from "@aws-sdk/util-dynamodb";
import { CONTRACTS } from "../../contract";
import { HttpError, type Route } from "../../kit/http";
import { verifyPassword } from "../../kit/passwords";
import { bearerToken, signSession, verifySession } from "../../kit/session";
import { startService, type StartOptions } from "../../kit/service";
import { openTables, storageError, type Table } from "../../kit/tables";
import { anyPassword, objectBody, username } from "../../kit/validate";

export const contract = CONTRACTS["service-user"];

/** A user record as service-registro writes it. */
interface UserRecord {
  username: string;
  passwordHash: string;
  sessionKey: string;
}

async function findUser(users: Table, name: string): Promise<UserRecord | undefined> {
  try {
    const out = await users.getItem({ Key: { username: { S: name } }, ConsistentRead: true });
    return out.Item ? (unmarshall(out.Item) as UserRecord) : undefined;
  } catch (error) {
    throw storageError(error);
  }
}

/**
 * The login service (seed 000's service-user): checks a username and password against the
 * users table and answers a session token the other services verify.
 *
 *   POST /login    {username, password} → 200 {username, token, expiresAt} | 401
 *   GET  /session  Authorization: Bearer <token> → 200 {username} | 401
 */
export function routes(users: Table): Route[] {
  return [
    {
      method: "POST",
      path: "/login",
      handler: async (req) => {
        const body = objectBody(await req.json());
        const password = anyPassword(body);
        // A malformed name cannot exist: same answer as a wrong password, after the same work.
        let name: string | undefined;
        try {
          name = username(body);
        } catch {
          name = undefined;
        }
        const user = name ? await findUser(users, name) : undefined;
        const ok = await verifyPassword(password, user?.passwordHash);
        if (!ok || !user) throw new HttpError(401, "wrong username or password");
        const session = await signSession(user.username, user.sessionKey);
        return { status: 200, body: { username: user.username, ...session } };
      },
    },
    {
      method: "GET",
      path: "/session",
      handler: async (req) => {
        const name = await verifySession(bearerToken(req.headers), async (n) => (await findUser(users, n))?.sessionKey);
        return { status: 200, body: { username: name } };
      },
    },
  ];
}

export function start(options: StartOptions) {
  return startService(contract, (env) => routes(openTables(contract, env).users), options);
}

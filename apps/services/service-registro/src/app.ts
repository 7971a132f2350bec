import { unmarshall } from "@aws-sdk/util-dynamodb";
import { CONTRACTS } from "../../contract";
import { HttpError, type Route } from "../../kit/http";
import { hashPassword } from "../../kit/passwords";
import { newSessionKey } from "../../kit/session-key";
import { startService, type StartOptions } from "../../kit/service";
import { isConditionFailed, openTables, storageError, type Table } from "../../kit/tables";
import { newPassword, objectBody, text, username } from "../../kit/validate";

export const contract = CONTRACTS["service-registro"];

/**
 * Key of the item that numbers registrations. No username can collide with it: usernames
 * start with a letter or digit (kit/validate.ts).
 */
export const COUNTER_KEY = "#registros";
export const DEFAULT_MESSAGE = "hello world";

async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storageError(error);
  }
}

/**
 * The registration service (seed 000's service-registro): creates users and lists the
 * registrations the way the seed shows them.
 *
 *   POST /registros {username, password, message?} → 201 {numero, username, message} | 400 | 409
 *   GET  /registros → 200 [{numero, message}, ...] in registration order
 */
export function routes(users: Table): Route[] {
  return [
    {
      method: "POST",
      path: "/registros",
      handler: async (req) => {
        const body = objectBody(await req.json());
        const name = username(body);
        const password = newPassword(body, name);
        const message = text(body, "message", 280, DEFAULT_MESSAGE);
        const taken = () => new HttpError(409, `username "${name}" is already registered; choose another`);
        // Cheap check first so a duplicate does not use up a number; the conditional put below decides.
        const existing = await guarded(() => users.getItem({ Key: { username: { S: name } }, ProjectionExpression: "#u", ExpressionAttributeNames: { "#u": "username" }, ConsistentRead: true }));
        if (existing.Item) throw taken();
        const passwordHash = await hashPassword(password);
        const counter = await guarded(() =>
          users.updateItem({
            Key: { username: { S: COUNTER_KEY } },
            UpdateExpression: "ADD #n :one",
            ExpressionAttributeNames: { "#n": "numero" },
            ExpressionAttributeValues: { ":one": { N: "1" } },
            ReturnValues: "UPDATED_NEW",
          }),
        );
        const numero = Number(counter.Attributes!.numero.N);
        try {
          await users.putItem({
            Item: {
              username: { S: name },
              passwordHash: { S: passwordHash },
              sessionKey: { S: newSessionKey() },
              numero: { N: String(numero) },
              message: { S: message },
              createdAt: { S: new Date().toISOString() },
            },
            ConditionExpression: "attribute_not_exists(#u)",
            ExpressionAttributeNames: { "#u": "username" },
          });
        } catch (error) {
          if (isConditionFailed(error)) throw taken();
          throw storageError(error);
        }
        return { status: 201, body: { numero, username: name, message } };
      },
    },
    {
      method: "GET",
      path: "/registros",
      handler: async () => {
        const rows: { numero: number; message: string }[] = [];
        let start: Record<string, any> | undefined;
        do {
          const page = await guarded(() =>
            users.scan({
              ProjectionExpression: "#n, #m",
              FilterExpression: "#u <> :counter",
              ExpressionAttributeNames: { "#n": "numero", "#m": "message", "#u": "username" },
              ExpressionAttributeValues: { ":counter": { S: COUNTER_KEY } },
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) {
            const row = unmarshall(item) as { numero: number; message: string };
            rows.push({ numero: row.numero, message: row.message });
          }
          start = page.LastEvaluatedKey;
        } while (start);
        rows.sort((a, b) => a.numero - b.numero);
        return { status: 200, body: rows };
      },
    },
  ];
}

export function start(options: StartOptions) {
  return startService(contract, (env) => routes(openTables(contract, env).users), options);
}

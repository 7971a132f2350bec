import { unmarshall } from "@aws-sdk/util-dynamodb";
import { CONTRACTS } from "../../contract";
import { HttpError, type Request, type Route } from "../../kit/http";
import { bearerToken, verifySession } from "../../kit/session";
import { startService, type StartOptions } from "../../kit/service";
import { isConditionFailed, openTables, storageError, type Table } from "../../kit/tables";
import { intParam, objectBody, roomId, text } from "../../kit/validate";

export const contract = CONTRACTS["service-chat"];

export interface ChatMessage {
  roomId: string;
  /** Milliseconds since the epoch; unique within a room (the table's sort key). */
  sentAt: number;
  author: string;
  text: string;
}

/**
 * The chat service (seed 000's service-chat): posts a message to a room and lists a room's
 * messages in order. The messages table is keyed by `roomId` and `sentAt` (apps/reference.ts);
 * every request carries a session token, checked against the author's user record.
 *
 *   POST /rooms/:roomId/messages {text} → 201 {roomId, sentAt, author, text}
 *   GET  /rooms/:roomId/messages[?after=<sentAt>][&limit=1..100] → 200 {roomId, messages: [...]}, oldest first
 *        (without `after`: the latest `limit` messages)
 */
export function routes(tables: { messages: Table; users: Table }, clock: () => number = Date.now): Route[] {
  const author = async (req: Request): Promise<string> =>
    verifySession(bearerToken(req.headers), async (name) => {
      try {
        const out = await tables.users.getItem({ Key: { username: { S: name } }, ProjectionExpression: "sessionKey" });
        return out.Item?.sessionKey?.S;
      } catch (error) {
        throw storageError(error);
      }
    });

  return [
    {
      method: "POST",
      path: "/rooms/:roomId/messages",
      handler: async (req) => {
        const room = roomId(req.params.roomId);
        const who = await author(req);
        const body = text(objectBody(await req.json()), "text", 1000);
        // Two messages in the same millisecond: the conditional put refuses the second, which moves on by 1 ms.
        let sentAt = clock();
        for (let attempt = 0; attempt < 20; attempt++, sentAt++) {
          try {
            await tables.messages.putItem({
              Item: { roomId: { S: room }, sentAt: { N: String(sentAt) }, author: { S: who }, text: { S: body } },
              ConditionExpression: "attribute_not_exists(sentAt)",
            });
            const message: ChatMessage = { roomId: room, sentAt, author: who, text: body };
            return { status: 201, body: message };
          } catch (error) {
            if (!isConditionFailed(error)) throw storageError(error);
          }
        }
        throw new HttpError(503, "the room is too busy; try again");
      },
    },
    {
      method: "GET",
      path: "/rooms/:roomId/messages",
      handler: async (req) => {
        const room = roomId(req.params.roomId);
        await author(req);
        const limit = intParam(req.query, "limit", 1, 100, 50);
        const after = req.query.has("after") ? intParam(req.query, "after", 0, Number.MAX_SAFE_INTEGER, 0) : undefined;
        try {
          const out = await tables.messages.query({
            KeyConditionExpression: after === undefined ? "roomId = :r" : "roomId = :r AND sentAt > :after",
            ExpressionAttributeValues: { ":r": { S: room }, ...(after === undefined ? {} : { ":after": { N: String(after) } }) },
            // Latest first when asking for the tail, then put back in order.
            ScanIndexForward: after !== undefined,
            Limit: limit,
          });
          const messages = (out.Items ?? []).map((i) => unmarshall(i) as ChatMessage);
          if (after === undefined) messages.reverse();
          return { status: 200, body: { roomId: room, messages: messages.map((m) => ({ sentAt: m.sentAt, author: m.author, text: m.text })) } };
        } catch (error) {
          throw storageError(error);
        }
      },
    },
  ];
}

export function start(options: StartOptions) {
  return startService(
    contract,
    (env) => {
      const t = openTables(contract, env);
      return routes({ messages: t.messages, users: t.users });
    },
    options,
  );
}

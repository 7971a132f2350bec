/** One JSON object per line on stdout, the format the cluster's log collectors parse. */
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

export function jsonLogger(service: string, sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  return {
    log(level, msg, fields = {}) {
      sink(JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields }));
    },
  };
}

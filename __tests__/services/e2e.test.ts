import { startLocalSystem } from "../../apps/services/local/system";
import { endToEnd } from "./e2e-flow";

// The stack `npm run dev` starts, on loopback, in this process. The same flow runs against
// the services' images in npm run test:images (containers/images.containers.ts).
endToEnd("the stack npm run dev starts, on loopback", async () => {
  const logs: string[] = [];
  const system = await startLocalSystem({ logSink: (line) => logs.push(line) });
  return { ...system, logs: async () => logs };
}, { screenshot: "reference-system.png" });

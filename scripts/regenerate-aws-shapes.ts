/**
 * Extracts the AWS API shapes the config is checked against (config/schema/aws-shapes.ts)
 * from the service models in the pinned botocore wheel, into facts/upstream/botocore/:
 *
 *   npx tsx scripts/regenerate-aws-shapes.ts                 re-extract from the pinned wheel
 *   npx tsx scripts/regenerate-aws-shapes.ts --wheel <file>  move the pin to that wheel, then extract
 *   npx tsx scripts/regenerate-aws-shapes.ts --check         exit 1 when the committed files differ
 *
 * botocore on PyPI carries every AWS service model (botocore/data/<service>/<api version>/
 * service-2.json.gz) with each shape's min, max, pattern and enum. Only the shapes the table
 * names are kept (with the member, key and value shapes of lists and maps), and the
 * documentation of the API members whose rules the model states only in words (the rules
 * the table writes by hand cite them; a test checks the cited words are still there).
 * Beside them, provenance.json records the wheel (version, SHA-256), the API version and
 * SHA-256 of every model read, so a reviewer can check the facts against the release.
 *
 * The pinned wheel is fetched by `npm run setup:tools` (scripts/setup-tools.sh, pinned by
 * the SHA-256 in provenance.json) into ~/.cache/eks-mesh-platform/botocore/. Nothing reads
 * the wheel at synth time: only this script and __tests__/aws-shapes.test.ts.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync, inflateRawSync } from "node:zlib";
import { AWS_SHAPE_RULES, DOCUMENTED_RULES } from "../config/schema/aws-shapes";

const ROOT = path.resolve(__dirname, "..");
/** Where the extracted facts are committed. */
export const BOTOCORE_FACTS_DIR = path.join(ROOT, "facts", "upstream", "botocore");
export const SHAPES_FILE = path.join(BOTOCORE_FACTS_DIR, "shapes.json");
export const PROVENANCE_FILE = path.join(BOTOCORE_FACTS_DIR, "provenance.json");
export const REGENERATE_COMMAND = "npx tsx scripts/regenerate-aws-shapes.ts";

/** The cache scripts/setup-tools.sh downloads the pinned wheel into. */
export function botocoreCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "eks-mesh-platform", "botocore");
}

export interface BotocorePin {
  readonly version: string;
  readonly wheel: { readonly file: string; readonly sha256: string };
}

/** The pin recorded in the committed provenance.json. */
export function readPin(): BotocorePin {
  return JSON.parse(fs.readFileSync(PROVENANCE_FILE, "utf8")) as BotocorePin;
}

/** The pinned wheel's path in the cache (it may be absent: `npm run setup:tools` fetches it). */
export function pinnedWheelPath(pin: BotocorePin = readPin()): string {
  return path.join(botocoreCacheDir(), pin.wheel.file);
}

export const sha256 = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");

// ---------------------------------------------------------------------------------------
// A wheel is a zip file: its central directory lists every entry; an entry's data follows
// its local header, stored or deflated. Enough of the format to read one wheel.
// ---------------------------------------------------------------------------------------

/** The entries of a zip file by name, each read on demand. */
export function readZip(zip: Buffer): Map<string, () => Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip file (no end of central directory record)");
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, () => Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip central directory entry ${i} is damaged`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (compressedSize === 0xffffffff || localHeader === 0xffffffff) throw new Error(`${name}: zip64 entries are not supported`);
    entries.set(name, () => {
      if (zip.readUInt32LE(localHeader) !== 0x04034b50) throw new Error(`${name}: damaged local header`);
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${name}: zip compression method ${method} is not supported`);
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// ---------------------------------------------------------------------------------------
// The extraction
// ---------------------------------------------------------------------------------------

interface RawShape {
  readonly type: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly members?: Record<string, { readonly shape: string; readonly documentation?: string }>;
}

interface RawModel {
  readonly metadata: { readonly apiVersion: string; readonly serviceId: string };
  readonly shapes: Record<string, RawShape>;
}

/** `<service>.<shape>` references the table uses: its shapes and the members whose documentation it cites. */
export function referencedShapes(): { shapes: string[]; documented: string[] } {
  const shapes = [...new Set(AWS_SHAPE_RULES.map((r) => r.shape))].sort();
  const documented = [...new Set(DOCUMENTED_RULES.flatMap((r) => (r.source.member ? [r.source.member] : [])))].sort();
  return { shapes, documented };
}

/** A model member's documentation as plain text (botocore keeps it as HTML). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** The facts of one shape: its constraints and, for lists and maps, the shapes they hold. */
function keep(shape: RawShape): Record<string, unknown> {
  const out: Record<string, unknown> = { type: shape.type };
  for (const k of ["min", "max", "pattern", "enum"] as const) if (shape[k] !== undefined) out[k] = shape[k];
  for (const k of ["member", "key", "value"] as const) if (shape[k]) out[k] = shape[k]!.shape;
  return out;
}

/** The newest API version of a service in the wheel: the model botocore (and so the AWS CLI) loads. */
function modelFile(entries: Map<string, () => Buffer>, service: string): string {
  const prefix = `botocore/data/${service}/`;
  const files = [...entries.keys()].filter((n) => n.startsWith(prefix) && /^botocore\/data\/[^/]+\/[^/]+\/service-2\.json(\.gz)?$/.test(n)).sort();
  if (files.length === 0) throw new Error(`the wheel has no model for service "${service}" (${prefix}<api version>/service-2.json.gz)`);
  return files[files.length - 1];
}

/** The texts of shapes.json and provenance.json extracted from a botocore wheel. */
export function extractAwsShapes(wheel: Buffer, wheelFile: string): { shapes: string; provenance: string; version: string } {
  const entries = readZip(wheel);
  const metadata = [...entries.keys()].find((n) => /^botocore-[^/]+\.dist-info\/METADATA$/.test(n));
  const version = metadata && /^Version: (\S+)$/m.exec(entries.get(metadata)!().toString("utf8"))?.[1];
  if (!version) throw new Error(`${wheelFile} is not a botocore wheel (no botocore-*.dist-info/METADATA with a Version)`);

  const { shapes: wanted, documented } = referencedShapes();
  const byService = new Map<string, { names: Set<string>; members: Set<string> }>();
  const slot = (service: string) => byService.get(service) ?? byService.set(service, { names: new Set(), members: new Set() }).get(service)!;
  for (const ref of wanted) {
    const [service, shape] = splitRef(ref);
    slot(service).names.add(shape);
  }
  for (const ref of documented) {
    const [service, member] = splitRef(ref);
    slot(service).members.add(member);
  }

  const services: Record<string, unknown> = {};
  const documentation: Record<string, string> = {};
  const models: Record<string, unknown> = {};
  for (const service of [...byService.keys()].sort()) {
    const file = modelFile(entries, service);
    const raw = entries.get(file)!();
    const model = JSON.parse((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8")) as RawModel;
    const { names, members } = byService.get(service)!;
    const kept: Record<string, unknown> = {};
    const visit = (name: string, from: string) => {
      if (name in kept) return;
      const shape = model.shapes[name];
      if (!shape) throw new Error(`${service}.${name} (${from}) is not a shape of the ${service} model ${model.metadata.apiVersion} in botocore ${version}`);
      kept[name] = keep(shape);
      for (const k of ["member", "key", "value"] as const) if (shape[k]) visit(shape[k]!.shape, `${k} of ${service}.${name}`);
    };
    for (const name of [...names].sort()) visit(name, "named in config/schema/aws-shapes.ts");
    for (const ref of [...members].sort()) {
      const [structure, member] = ref.split(".");
      const doc = model.shapes[structure]?.members?.[member]?.documentation;
      if (!doc) throw new Error(`${service}.${ref} (cited in config/schema/aws-shapes.ts) has no documentation in the ${service} model of botocore ${version}`);
      documentation[`${service}.${ref}`] = plainText(doc);
    }
    services[service] = { serviceId: model.metadata.serviceId, apiVersion: model.metadata.apiVersion, shapes: Object.fromEntries(Object.entries(kept).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
    models[service] = { apiVersion: model.metadata.apiVersion, file, sha256: sha256(raw) };
  }

  const shapes = { botocore: version, services, documentation: Object.fromEntries(Object.entries(documentation).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  const provenance = {
    origin: `https://pypi.org/project/botocore/${version}/ (${wheelFile}: botocore/data/<service>/<api version>/service-2.json.gz)`,
    version,
    wheel: { file: wheelFile, sha256: sha256(wheel) },
    licence: "Apache-2.0",
    why: "the AWS API models are the source of the lengths, patterns and enumerations AWS checks at apply; botocore pins them in one versioned, hashed release. This pin is for the data only: .venv keeps the botocore requirements-dev.txt pins for boto3 (moto, Checkov).",
    regenerate: `${REGENERATE_COMMAND} (the pinned wheel, fetched by npm run setup:tools); ${REGENERATE_COMMAND} --wheel <botocore-x.y.z-py3-none-any.whl> moves the pin`,
    services: models,
  };
  return { shapes: `${JSON.stringify(shapes, null, 2)}\n`, provenance: `${JSON.stringify(provenance, null, 2)}\n`, version };
}

function splitRef(ref: string): [string, string] {
  const dot = ref.indexOf(".");
  if (dot <= 0) throw new Error(`"${ref}" is not <service>.<shape>`);
  return [ref.slice(0, dot), ref.slice(dot + 1)];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const wheelArg = args[args.indexOf("--wheel") + 1];
  const check = args.includes("--check");
  try {
    let file: string;
    if (args.includes("--wheel")) {
      if (!wheelArg) throw new Error("--wheel needs the path of a botocore-x.y.z-py3-none-any.whl");
      file = wheelArg;
    } else {
      const pin = readPin();
      file = pinnedWheelPath(pin);
      if (!fs.existsSync(file)) throw new Error(`the pinned botocore wheel ${pin.wheel.file} is not in ${botocoreCacheDir()}; run npm run setup:tools`);
      const have = sha256(fs.readFileSync(file));
      if (have !== pin.wheel.sha256) throw new Error(`${file} has SHA-256 ${have}, not the pinned ${pin.wheel.sha256}; delete it and run npm run setup:tools`);
    }
    const out = extractAwsShapes(fs.readFileSync(file), path.basename(file));
    if (check) {
      const stale = [[SHAPES_FILE, out.shapes], [PROVENANCE_FILE, out.provenance]].filter(([f, text]) => !fs.existsSync(f) || fs.readFileSync(f, "utf8") !== text).map(([f]) => path.relative(ROOT, f));
      if (stale.length) {
        console.error(`regenerate-aws-shapes: ${stale.join(", ")} differ from what botocore ${out.version} gives; run ${REGENERATE_COMMAND}`);
        process.exit(1);
      }
      console.log(`regenerate-aws-shapes: facts/upstream/botocore matches botocore ${out.version}`);
    } else {
      fs.mkdirSync(BOTOCORE_FACTS_DIR, { recursive: true });
      fs.writeFileSync(SHAPES_FILE, out.shapes);
      fs.writeFileSync(PROVENANCE_FILE, out.provenance);
      console.log(`regenerate-aws-shapes: facts/upstream/botocore from botocore ${out.version} (${file})`);
    }
  } catch (e) {
    console.error(`regenerate-aws-shapes: ${(e as Error).message}`);
    process.exit(1);
  }
}

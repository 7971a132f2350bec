import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// The README is the front door and docs/ the rooms behind it: a reader follows the commands,
// links and paths they name, so each of them must lead somewhere that exists.
const ROOT = path.join(__dirname, "..");
const README = path.join(ROOT, "README.md");

/** Every .md file under a folder, recursively (docs/reference/ included). */
function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith(".md") ? [p] : [];
  });
}

const DOCS = path.join(ROOT, "docs");
const ALL_PAGES = [README, ...markdownFiles(DOCS)];
const TOP_PAGES = [README, ...fs.readdirSync(DOCS).filter((f) => f.endsWith(".md")).map((f) => path.join(DOCS, f))];
const rel = (p: string) => path.relative(ROOT, p);

/** The text with fenced code blocks blanked out: a heading or a link inside one is code, not Markdown. */
function withoutFences(text: string): string {
  let inFence = false;
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return "";
      }
      return inFence ? "" : line;
    })
    .join("\n");
}

/** GitHub's heading anchor: lower case, punctuation dropped (not hyphens or underscores), each space a hyphen. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // a link in a heading anchors on its text
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a page offers: its headings' slugs (repeats get -1, -2 as on GitHub) and explicit <a id>/<a name>. */
export function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]);
  return found;
}

interface Files {
  exists(abs: string): boolean;
  read(abs: string): string;
}

const DISK: Files = { exists: (p) => fs.existsSync(p), read: (p) => fs.readFileSync(p, "utf8") };

/** Relative links of a page (`](path)`, `](path#anchor)`, `](#anchor)`) that lead nowhere, as "page: target (why)". */
export function brokenLinks(page: string, text: string, files: Files = DISK): string[] {
  const broken: string[] = [];
  // Inline code is not a link: `[x](y)` in backticks is an example.
  const prose = withoutFences(text).replace(/`[^`\n]*`/g, "");
  for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http(s), mailto: not a file here
    const [file, anchor] = target.split("#", 2);
    const abs = file === "" ? page : path.resolve(path.dirname(page), decodeURI(file));
    if (!files.exists(abs)) {
      broken.push(`${rel(page)}: ${target} (no such file)`);
      continue;
    }
    if (anchor !== undefined && abs.endsWith(".md") && !anchors(files.read(abs)).has(anchor)) {
      broken.push(`${rel(page)}: ${target} (no heading with that anchor in ${rel(abs)})`);
    }
  }
  return broken;
}

const PROJECT_PATH = /^(apps|config|stacks|facts|input|placement|cost|ops|scripts|charts|bin|__tests__|docs|schemas)\/[\w./<>-]*$/;
const SOURCE_FILE = /\.(ts|cts|mts|js|cjs|mjs|json|ya?ml|md|sh|py|txt|svg|go|sum|mod)$/;

/** Backticked project paths of a page: files with a source extension, and folders written with a trailing slash. */
export function projectPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const m of withoutFences(text).matchAll(/`([^`\n]+)`/g)) {
    const p = m[1];
    if (!PROJECT_PATH.test(p) || /[<*]/.test(p)) continue; // placeholders and globs name no one file
    if (p.endsWith("/") || SOURCE_FILE.test(p)) paths.add(p);
  }
  return [...paths];
}

describe("the README is a front door", () => {
  const readme = fs.readFileSync(README, "utf8");

  it("is at most 400 lines, and its first 40 lines hold the two fresh-machine commands", () => {
    const lines = readme.replace(/\n$/, "").split("\n"); // as wc -l counts them
    expect(lines.length).toBeLessThanOrEqual(400);
    const top = lines.slice(0, 40).join("\n");
    expect(top).toContain("npm ci && npm run synth");
    expect(top).toContain("npm ci && npm run setup:tools && npm test");
  });

  it("names only npm scripts that package.json has", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>);
    const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThan(10); // a reader that found none would pass
    expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it("links the generated reference pages", () => {
    expect(readme).toContain("docs/reference/checks.md");
    expect(readme).toContain("](docs/reference/configuration.md");
  });
});

describe("links in README.md and docs/", () => {
  it("lead to files that exist and to headings those files have", () => {
    const broken = ALL_PAGES.flatMap((p) => brokenLinks(p, fs.readFileSync(p, "utf8")));
    expect(broken).toEqual([]);
  });

  it("are checked for real: a made-up file and a made-up anchor are both reported", () => {
    const page = path.join(ROOT, "docs", "page.md");
    const pages: Record<string, string> = {
      [page]: "# Page\n\n## A `code` heading: yes\n\n[ok](#a-code-heading-yes) [ok](other.md#other) [web](https://example.com)\n[gone](missing.md) [bad](other.md#nope) [self](#nope)\n\n```\n[in code](ignored.md)\n```\n",
      [path.join(ROOT, "docs", "other.md")]: "# Other\n",
    };
    const files: Files = { exists: (p) => p in pages, read: (p) => pages[p] };
    expect(brokenLinks(page, pages[page], files)).toEqual([
      "docs/page.md: missing.md (no such file)",
      "docs/page.md: other.md#nope (no heading with that anchor in docs/other.md)",
      "docs/page.md: #nope (no heading with that anchor in docs/page.md)",
    ]);
  });

  it("anchor like GitHub: punctuation and backticks dropped, spaces to hyphens, repeats numbered", () => {
    expect(slug('Amazon VPC Lattice (`mesh.implementation: "vpc-lattice"`)')).toBe("amazon-vpc-lattice-meshimplementation-vpc-lattice");
    expect(slug("3. Between services: VPC Lattice TLS (`mesh.tls.mode: \"strict\"`, the default)")).toBe("3-between-services-vpc-lattice-tls-meshtlsmode-strict-the-default");
    expect([...anchors("## Cost\n\n### Cost\n")]).toEqual(["cost", "cost-1"]);
  });
});

describe("project paths named in README.md and docs/*.md", () => {
  it("exist", () => {
    const missing = TOP_PAGES.flatMap((p) => projectPaths(fs.readFileSync(p, "utf8")).filter((f) => !fs.existsSync(path.join(ROOT, f))).map((f) => `${rel(p)}: ${f}`));
    expect(missing).toEqual([]);
  });

  it("are found: file paths and folders, not placeholders or globs", () => {
    expect(projectPaths("`stacks/mesh/vpc-lattice/` `config/schema/mesh.ts` `charts/<chart>/values.yaml` `stacks/*.ts` `npm test` `stacks/contracts`")).toEqual([
      "stacks/mesh/vpc-lattice/",
      "config/schema/mesh.ts",
    ]);
  });
});

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * What the project takes from CDKTF, found by reading its source files (not from a list of
 * files, so a file that moves or a new file is covered), and what a library's declarations
 * export. __tests__/ops/cdk-terrain.test.ts checks the first against CDK Terrain's exports.
 */

/** Source files whose imports are read. */
export const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx", ".js", ".cjs", ".mjs"];

/** Folders never part of the project's own source (installed, generated or scratch). */
const NOT_SOURCE = new Set(["node_modules", "cdktf.out"]);

/**
 * The project's files, relative to its root with "/" separators: what git tracks plus
 * untracked files it does not ignore (so a new, uncommitted file counts), that still exist.
 * Outside a git checkout, every file except node_modules, cdktf.out and hidden folders.
 */
export function projectFiles(root: string): string[] {
  const git = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const listed =
    git.status === 0
      ? git.stdout.split("\0").filter((f) => f !== "")
      : walk(root, "");
  return listed.filter((f) => !f.split("/").some((part) => NOT_SOURCE.has(part)) && fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile()).sort();
}

function walk(root: string, rel: string): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith(".") || NOT_SOURCE.has(e.name)) return [];
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(root, child) : [child];
  });
}

/** The project's source files that may import a package. */
export function sourceFiles(root: string): string[] {
  return projectFiles(root).filter((f) => SOURCE_EXTENSIONS.includes(path.extname(f)));
}

/** One use of the package in a source file. */
export interface PackageUse {
  readonly file: string;
  readonly line: number;
  /** "cdktf", or a path inside it such as "cdktf/lib/tokens/private/stack-trace.js". */
  readonly specifier: string;
  /** Names taken from the module; "*" when the whole module is re-exported. */
  readonly names: readonly string[];
}

/**
 * Every use of `pkg` (or a path inside it) in one source text: import and export
 * declarations (named, namespace, default, side effect, `import x = require()`), `require()`,
 * `require.resolve()`, `import()` and `import("pkg").Name` types. For a namespace or a
 * required module, the names are the members the file reads from it.
 */
export function packageUses(file: string, text: string, pkg: string): PackageUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const uses: PackageUse[] = [];
  const isPkg = (s: string) => s === pkg || s.startsWith(`${pkg}/`);
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  /** Members read from a local name bound to the whole module (`ns.App`, `ns.Fn.join`). */
  const membersOf = (local: string): string[] => {
    const names = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === local) names.add(node.name.text);
      if (ts.isQualifiedName(node) && ts.isIdentifier(node.left) && node.left.text === local) names.add(node.right.text);
      if (ts.isElementAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === local && ts.isStringLiteralLike(node.argumentExpression)) names.add(node.argumentExpression.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
    return [...names];
  };
  const bindingNames = (name: ts.BindingName): string[] | undefined => {
    if (ts.isIdentifier(name)) return membersOf(name.text);
    if (ts.isObjectBindingPattern(name)) return name.elements.map((e) => (e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : ts.isIdentifier(e.name) ? e.name.text : "?"));
    return undefined;
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && isPkg(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      const names: string[] = [];
      if (clause?.name) names.push("default");
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.push((e.propertyName ?? e.name).text);
      if (bindings && ts.isNamespaceImport(bindings)) names.push(...membersOf(bindings.name.text));
      uses.push({ file, line: lineOf(node), specifier: node.moduleSpecifier.text, names });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && isPkg(node.moduleSpecifier.text)) {
      const clause = node.exportClause;
      const names = !clause ? ["*"] : ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : ["*"];
      uses.push({ file, line: lineOf(node), specifier: node.moduleSpecifier.text, names });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression) && isPkg(node.moduleReference.expression.text)) {
      uses.push({ file, line: lineOf(node), specifier: node.moduleReference.expression.text, names: membersOf(node.name.text) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal) && isPkg(node.argument.literal.text)) {
      const first = node.qualifier ? leftmost(node.qualifier) : undefined;
      uses.push({ file, line: lineOf(node), specifier: node.argument.literal.text, names: first ? [first] : [] });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]) && isPkg(node.arguments[0].text) && isModuleCall(node)) {
      const specifier = node.arguments[0].text;
      let names: string[] = [];
      const parent = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node) names = [parent.name.text];
      else if (ts.isVariableDeclaration(parent) && parent.initializer === node) names = bindingNames(parent.name) ?? [];
      uses.push({ file, line: lineOf(node), specifier, names });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** `require(...)`, `require.resolve(...)` and `import(...)`. */
function isModuleCall(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (ts.isIdentifier(callee)) return callee.text === "require";
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "require" && callee.name.text === "resolve";
}

function leftmost(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : leftmost(name.left);
}

function scriptKind(file: string): ts.ScriptKind {
  const ext = path.extname(file);
  if (ext === ".tsx") return ts.ScriptKind.TSX;
  if ([".js", ".cjs", ".mjs"].includes(ext)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Every use of `pkg` in the project's source files. */
export function projectUses(root: string, pkg: string): PackageUse[] {
  return sourceFiles(root).flatMap((file) => {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return text.includes(pkg) ? packageUses(file, text, pkg) : [];
  });
}

/**
 * The names a package's main module exports (values, classes, interfaces, types, enums and
 * namespaces alike), read from its declaration files with the TypeScript checker.
 */
export function declaredExports(packageDir: string): Set<string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { types?: string; typings?: string; main?: string };
  const entry = path.join(packageDir, manifest.types ?? manifest.typings ?? (manifest.main ?? "index.js").replace(/\.js$/, ".d.ts"));
  const program = ts.createProgram([entry], { noEmit: true, skipLibCheck: true, types: [], noResolve: false });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  const symbol = file && checker.getSymbolAtLocation(file);
  if (!symbol) throw new Error(`${entry} declares no module`);
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.getName()));
}

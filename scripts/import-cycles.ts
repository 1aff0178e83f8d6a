/**
 * Fails on any import cycle among our own modules, type-only imports included.
 *
 * eslint's import/no-cycle skips `import type`, yet a type-only cycle still
 * means two modules each need the other to be read: the contract belongs in a
 * module of its own that both import. This lists every import, `export … from`
 * and `import("…")` of every .ts/.tsx file under the source folders (with the
 * compiler's own pre-processor, so nothing is missed by a regex), resolves
 * "@/…" and relative specifiers with the tsconfig's rules, finds the strongly
 * connected components of that graph (Tarjan) and prints one cycle of each.
 * Exit code 1 when there is any. Run by `npm run lint`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "..");
const FOLDERS = ["app", "lib", "workers", "scripts", "bench", "test", "e2e"];
const SKIP = new Set(["node_modules", "generated", ".next", ".data"]);

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.json");
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

/** Each file's imports that resolve to one of `files`. */
export function importGraph(files: string[], options: ts.CompilerOptions): Map<string, Set<string>> {
  const known = new Set(files);
  const host = ts.createCompilerHost(options);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, file, options, host).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (target && known.has(target)) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components with a cycle in them (more than one file, or a file importing itself). */
export function cyclicComponents(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  // Iterative Tarjan: the graph is deep enough (13 levels and more) that recursion is not worth the risk.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edges: Iterator<string> }[] = [];
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: (graph.get(node) ?? new Set()).values() });
    };
    visit(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const step = top.edges.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) visit(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      if (component.length > 1 || graph.get(top.node)?.has(top.node)) found.push(component.sort());
    }
  }
  return found;
}

/** One shortest cycle through the component's first file, as a path that ends where it starts. */
export function cycleThrough(graph: Map<string, Set<string>>, component: string[]): string[] {
  const inside = new Set(component);
  const start = component[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const to of graph.get(queue[i]) ?? []) {
      if (!inside.has(to)) continue;
      if (to === start) {
        const route = [start];
        for (let at = queue[i]; at !== start; at = cameFrom.get(at)!) route.unshift(at);
        return [start, ...route];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, queue[i]);
        queue.push(to);
      }
    }
  }
  return component;
}

function main(): void {
  const files = FOLDERS.flatMap((f) => sourceFiles(path.join(ROOT, f))).map((f) => path.resolve(f));
  const graph = importGraph(files, compilerOptions());
  const components = cyclicComponents(graph);
  const rel = (f: string) => path.relative(ROOT, f);
  for (const component of components) {
    console.error(`import cycle: ${cycleThrough(graph, component).map(rel).join(" → ")}`);
    if (component.length > 2) console.error(`  all files in it: ${component.map(rel).join(", ")}`);
  }
  if (components.length > 0) {
    console.error(
      `${components.length} import cycle(s) (type-only imports count): move the shared contract into a module of its own.`,
    );
    process.exit(1);
  }
  console.log(`import-cycles: ${files.length} files, no cycle`);
}

main();

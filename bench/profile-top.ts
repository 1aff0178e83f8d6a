/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile> [rows=25]`: where a CPU profile's main-thread time went,
 * by self time: per function (with its file) and per package or folder, idle and GC shown apart.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error("usage: bench/profile-top.ts <file.cpuprofile> [rows]");
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** A file's package (node_modules/<pkg>) or its folder in this repository. */
function area(url: string): string {
  if (!url) return "(native / V8)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return "node:*";
  const local = url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
  return local.split("/").slice(0, 2).join("/");
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, "").replace(process.cwd() + "/", "")}:${lineNumber + 1}`
    : "";
  const name = `${functionName || "(anonymous)"} ${where}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byArea.set(area(url), (byArea.get(area(url)) ?? 0) + us);
}
const show = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    )
    .join("\n");
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled\nby area:\n${show(byArea, 15)}\nby function:\n${show(byFunction, rows)}`,
);

/**
 * Fonts for OG images. The renderer needs font *data* (TTF/OTF/WOFF; not
 * WOFF2), and its default would be fetched, so we read Geist's TTFs from the
 * `geist` package at request time (from process.cwd(), like the emoji; see
 * emoji.ts) and keep them in memory.
 */
import fs from "node:fs/promises";
import path from "node:path";

export interface OgFont {
  name: string;
  data: ArrayBuffer;
  weight: 400 | 700;
  style: "normal";
}

async function load(file: string): Promise<ArrayBuffer> {
  const buf = await fs.readFile(file);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

let fonts: Promise<OgFont[]> | undefined;

/** Geist Regular and Bold, loaded once per process. */
export function ogFonts(): Promise<OgFont[]> {
  // Literal paths, so the build traces exactly these two files into its output.
  fonts ??= Promise.all([
    load(path.join(process.cwd(), "node_modules/geist/dist/fonts/geist-sans/Geist-Regular.ttf")),
    load(path.join(process.cwd(), "node_modules/geist/dist/fonts/geist-sans/Geist-Bold.ttf")),
  ]).then(([regular, bold]) => [
    { name: "Geist", data: regular, weight: 400, style: "normal" },
    { name: "Geist", data: bold, weight: 700, style: "normal" },
  ]);
  // A failed read must not be cached forever.
  fonts.catch(() => (fonts = undefined));
  return fonts;
}

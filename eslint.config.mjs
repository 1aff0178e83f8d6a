import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** A sibling in the same folder is "./name", anything else "@/path" from the root. */
const IMPORT_STYLE = [
  {
    group: ["../*", "./*/*"],
    message: 'Import from another folder as "@/path/to/module"; only same-folder siblings are "./name".',
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "lib/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "vitest.local-*.config.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Import cycles are refused by scripts/import-cycles.ts (run by `npm run lint`), which counts type-only
      // imports too; eslint's import/no-cycle skipped those and took most of lint's time.
      // One import style: a sibling in the same folder is "./name", anything else is "@/path" from the root,
      // so a file reads the same wherever it moves and a grep for "@/lib/x" finds every user of lib/x.
      "no-restricted-imports": [
        "error",
        {
          patterns: IMPORT_STYLE,
        },
      ],
    },
  },
  {
    // The worker's settings are resolved once, in main.ts, and passed down (WorkerContext.settings): below
    // main nothing reads the environment, so a test states a worker's settings instead of editing process.env.
    files: ["workers/agents/**/*.ts"],
    ignores: ["workers/agents/main.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@/lib/config",
              allowTypeImports: true,
              message: "Read the worker's settings from WorkerContext.settings: main.ts resolves them once.",
            },
          ],
          patterns: IMPORT_STYLE,
        },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read the worker's settings from WorkerContext.settings.",
        },
      ],
    },
  },
  {
    // Every spec runs under the clean-console fixture, which fails a test on a console error it did not expect.
    files: ["e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@playwright/test",
              importNames: ["test", "expect"],
              message:
                "Import test and expect from e2e/fixtures: it fails a test on an unexpected console error.",
            },
          ],
          patterns: IMPORT_STYLE,
        },
      ],
    },
  },
  {
    // Root config files are loaded by their tools' own loaders (Prisma, Playwright), which don't read the
    // tsconfig "@/" paths: they import by relative path.
    files: ["*.config.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // lib/ is the ground floor: the web app, the workers, the scripts and the tests build on it, never
    // the reverse. A piece both need moves down into lib/.
    files: ["lib/**"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./lib",
              from: ["./app", "./workers", "./scripts", "./bench", "./e2e"],
              message: "lib/ is the ground: move the shared piece into lib/ instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // A function a reader can hold in view: past ~80 lines it is usually several steps or several pieces of
    // state, each worth a name. A factory's count includes its inner functions.
    files: ["lib/**/*.ts", "workers/**/*.ts"],
    ignores: ["**/*.test.ts", "lib/generated/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
];
export default config;

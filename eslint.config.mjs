import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
      // No module may reach itself again through its imports: a cycle hides which part is the ground.
      "import/no-cycle": ["error", { ignoreExternal: true }],
      // One import style: a sibling in the same folder is "./name", anything else is "@/path" from the root,
      // so a file reads the same wherever it moves and a grep for "@/lib/x" finds every user of lib/x.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../*", "./*/*"],
              message:
                'Import from another folder as "@/path/to/module"; only same-folder siblings are "./name".',
            },
          ],
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
];
export default config;

import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Layers import in one direction only (see shared STYLE.md): the engine under lib/domain is
// pure and reusable from the CLI, the server, the browser and tests.
const layering = {
  files: ["**/*.{ts,tsx,mts}"],
  rules: {
    "import/no-restricted-paths": [
      "error",
      {
        zones: [
          {
            target: "./lib/domain",
            from: ["./lib/server", "./lib/cli", "./app", "./components", "./scripts"],
            message: "lib/domain is pure: it must not import the I/O shell or the UI.",
          },
          {
            target: "./components",
            from: ["./lib/server", "./lib/cli"],
            message: "Components run in the browser: fetch through the API instead.",
          },
        ],
      },
    ],
  },
};

const pureDomain = {
  files: ["lib/domain/**/*.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { group: ["next", "next/*", "react", "react-dom", "@prisma/*", "@kubernetes/*", "pg", "node:*"], message: "lib/domain is pure TypeScript: no framework, database, network or Node I/O." },
        ],
      },
    ],
  },
};

const config = [
  { ignores: [".next/**", "node_modules/**", "lib/server/db/generated/**", ".meshlens/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTs,
  layering,
  pureDomain,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];

export default config;

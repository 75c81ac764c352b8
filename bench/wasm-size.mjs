// The browser's wasm per page, as `cargo leptos build --release --split` leaves it: the main
// module every page loads, plus the chunks of each lazily loaded page (from the split
// manifest). Sizes raw and brotli-compressed (quality 11, each file on its own, as served).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const pkg = process.argv[2] ?? "target/site/pkg";
const files = readdirSync(pkg);
const size = (name) => {
  const bytes = readFileSync(join(pkg, name));
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  return { raw: bytes.length, brotli };
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const main = size(files.find((f) => /^cairn(\.[\w-]+)?\.wasm$/.test(f)));
const manifestFile = files.find((f) => f.startsWith("__wasm_split_manifest"));
const manifest = manifestFile ? JSON.parse(readFileSync(join(pkg, manifestFile), "utf8")) : {};
const wasmFile = (chunk) => files.find((f) => f.startsWith(`${chunk}.`) && f.endsWith(".wasm"));
const pages = Object.entries(manifest).map(([split, chunks]) => {
  const total = chunks
    .map((chunk) => size(wasmFile(chunk)))
    .reduce((a, b) => ({ raw: a.raw + b.raw, brotli: a.brotli + b.brotli }), { raw: 0, brotli: 0 });
  const name = split.replace(/^__/, "").replace(/_view_\d+$/, "");
  return { name, raw: main.raw + total.raw, brotli: main.brotli + total.brotli, files: chunks.length + 1 };
});
pages.sort((a, b) => b.brotli - a.brotli);
console.log(`main module: ${main.raw} bytes raw, ${main.brotli} bytes brotli (${kb(main.brotli)})`);
for (const page of pages) {
  console.log(`${page.name.padEnd(20)} main + ${String(page.files - 1).padStart(2)} chunks: ${page.raw} bytes raw, ${page.brotli} bytes brotli (${kb(page.brotli)})`);
}
const all = files.filter((f) => f.endsWith(".wasm")).map(size);
const sum = all.reduce((a, b) => a + b.brotli, 0);
console.log(`every wasm file together: ${all.length} files, ${sum} bytes brotli (${kb(sum)})`);
if (pages.length) {
  console.log(`largest page: ${pages[0].name}, ${pages[0].brotli} bytes brotli (${kb(pages[0].brotli)})`);
}

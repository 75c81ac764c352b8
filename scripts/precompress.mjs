// Compresses the compiled bundle once, at build time, so the server sends each file as the
// browser takes it (brotli or gzip) without compressing it per request:
//
//   node scripts/precompress.mjs <pkg dir> [--fast]
//
// Writes `<file>.br` and `<file>.gz` beside every .wasm, .js, .css and .json file that has none
// newer than itself, and removes compressed copies whose file is gone (an earlier build's
// hashed names). `--fast` (debug builds, tens of MB) trades a few per cent of size for seconds.
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync, statSync, existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";

const [dir, ...flags] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node scripts/precompress.mjs <pkg dir> [--fast]");
  process.exit(2);
}
const fast = flags.includes("--fast");
const compressible = /\.(wasm|js|css|json)$/;
const variants = [
  [".br", (bytes) => brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: fast ? 5 : 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  })],
  [".gz", (bytes) => gzipSync(bytes, { level: fast ? 6 : 9 })],
];

const started = Date.now();
let written = 0;
let before = 0;
let after = 0;
const names = readdirSync(dir);
for (const name of names) {
  const file = join(dir, name);
  if (/\.(br|gz)$/.test(name)) {
    if (!existsSync(file.replace(/\.(br|gz)$/, ""))) unlinkSync(file);
    continue;
  }
  if (!compressible.test(name)) continue;
  const modified = statSync(file).mtimeMs;
  let bytes = null;
  for (const [suffix, compress] of variants) {
    const target = file + suffix;
    if (existsSync(target) && statSync(target).mtimeMs >= modified) continue;
    bytes ??= readFileSync(file);
    const packed = compress(bytes);
    writeFileSync(target, packed);
    written += 1;
    if (suffix === ".br") {
      before += bytes.length;
      after += packed.length;
    }
  }
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(
  `precompressed ${written} files in ${((Date.now() - started) / 1000).toFixed(1)} s` +
    (before ? ` (brotli: ${kb(before)} → ${kb(after)})` : ""),
);

// Builds Cairn: the server binary and the browser bundle it serves.
//
//   node scripts/build.mjs [--release]
//
// 1. the islands' wasm: `cairn-app` with `hydrate` for wasm32 (release: the `wasm-release`
//    profile, small rather than fast);
// 2. the server: `cairn-server` (release: the `release` profile);
// 3. wasm-bindgen's JavaScript glue for the wasm, and in release wasm-opt -Oz over the wasm and
//    esbuild's minifier over the script;
// 4. the stylesheet, minified with the vendor prefixes browsers still need (lightningcss);
// 5. each file named by its content's hash under `<site>/pkg` (`cairn.<hash>.js|wasm|css`), and
//    `hash.txt` beside the server binary so the server names them in its pages: browsers keep
//    them for a year, and a new build is new names;
// 6. `public/` copied to the site root, and every bundle file compressed once (brotli, gzip).
//
// The site root is `$LEPTOS_SITE_ROOT`, or `target/site`; the target directory
// `$CARGO_TARGET_DIR`, or `target`. wasm-bindgen, wasm-opt, esbuild and lightningcss come from
// PATH (the Makefile's `tools` installs them). Files of the other profile's last build stay, so a debug
// and a release server can share one site root.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const release = process.argv.includes("--release");
const target = resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
const site = resolve(root, process.env.LEPTOS_SITE_ROOT ?? join(target, "site"));
const pkg = join(site, "pkg");
const OUTPUT = "cairn";

function run(command, args) {
  const started = Date.now();
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
  return Date.now() - started;
}

function step(what, took) {
  console.log(`build: ${what} (${(took / 1000).toFixed(1)} s)`);
}

function hashOf(bytes) {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 20);
}

// 1 and 2: the two cargo builds, one after the other (they share the machine's cores).
const wasmProfile = release ? "wasm-release" : "debug";
step(
  `islands' wasm (${wasmProfile})`,
  run("cargo", [
    "build",
    "-p", "cairn-app",
    "--lib",
    "--target", "wasm32-unknown-unknown",
    "--no-default-features",
    "--features", "hydrate",
    ...(release ? ["--profile", "wasm-release"] : []),
  ]),
);
const serverProfile = release ? "release" : "debug";
step(
  `server (${serverProfile})`,
  run("cargo", ["build", "-p", "cairn-server", "--bin", "cairn", ...(release ? ["--release"] : [])]),
);

// 3: the JavaScript glue, then the wasm made small.
const work = mkdtempSync(join(tmpdir(), "cairn-build-"));
try {
  const wasmIn = join(target, "wasm32-unknown-unknown", wasmProfile, "cairn_app.wasm");
  step(
    "wasm-bindgen",
    run("wasm-bindgen", [
      wasmIn,
      "--target", "web",
      "--no-typescript",
      "--out-dir", work,
      "--out-name", OUTPUT,
    ]),
  );
  const wasm = join(work, `${OUTPUT}_bg.wasm`);
  const js = join(work, `${OUTPUT}.js`);
  if (release) {
    // The features Rust's wasm32 target turns on, which wasm-opt must accept.
    const features = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int"];
    step("wasm-opt -Oz", run("wasm-opt", ["-Oz", ...features, wasm, "-o", wasm]));
    step("script minified", run("esbuild", [js, "--minify", "--format=esm", `--outfile=${js}`, "--allow-overwrite", "--log-level=warning"]));
  }
  if (existsSync(join(work, "snippets"))) {
    // Snippets would be served under names that do not change with their content.
    throw new Error("wasm-bindgen wrote JavaScript snippets: give them hashed names first");
  }

  // 4: the stylesheet.
  const css = join(work, `${OUTPUT}.css`);
  step(
    "stylesheet",
    run("lightningcss", ["--minify", "--targets", "defaults", join(root, "style", "main.css"), "-o", css]),
  );

  // 5: named by content, and the names written beside the server binary.
  mkdirSync(pkg, { recursive: true });
  const files = { js, wasm, css };
  const lines = [];
  for (const [kind, file] of Object.entries(files)) {
    const bytes = readFileSync(file);
    const hash = hashOf(bytes);
    writeFileSync(join(pkg, `${OUTPUT}.${hash}.${kind}`), bytes);
    lines.push(`${kind}: ${hash}`);
  }
  writeFileSync(join(target, serverProfile, "hash.txt"), `${lines.join("\n")}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Earlier builds' files go, except what a server of either profile names now.
const named = new Set();
for (const profile of ["debug", "release"]) {
  const list = join(target, profile, "hash.txt");
  if (!existsSync(list)) continue;
  for (const line of readFileSync(list, "utf8").split("\n")) {
    const [kind, hash] = line.split(":").map((part) => part.trim());
    if (kind && hash) named.add(`${OUTPUT}.${hash}.${kind}`);
  }
}
for (const file of readdirSync(pkg)) {
  const bundle = file.match(/^(.*\.(?:js|wasm|css))(?:\.br|\.gz)?$/);
  if (bundle && !named.has(bundle[1])) rmSync(join(pkg, file));
}

// 6: what the site serves as it is, and the bundle compressed.
cpSync(join(root, "public"), site, { recursive: true });
run("node", [join(root, "scripts", "precompress.mjs"), pkg, ...(release ? [] : ["--fast"])]);
console.log(`build: done, ${serverProfile} server at ${join(target, serverProfile, "cairn")}, site at ${site}`);

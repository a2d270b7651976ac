#!/usr/bin/env bash
# Builds the npm package into pkg/: the wasm module, wasm-bindgen's glue for the web (browsers, bundlers,
# workerd) and for Node's CommonJS, the hand-written entry points in js/, and package.json. Prints sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --lib --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/permeval.wasm

rm -rf pkg
mkdir -p pkg
wasm-bindgen "$wasm" --target web --out-dir pkg/web --out-name permeval
wasm-bindgen "$wasm" --target nodejs --out-dir pkg/node --out-name permeval

# npm's binaryen, not Debian's (whose wasm-opt writes modules that fail to load; see toolchain.md).
for out in pkg/web/permeval_bg.wasm pkg/node/permeval_bg.wasm; do
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals "$out" -o "$out"
done

cp js/index.js js/api.js js/node.mjs js/node.cjs js/react.js js/react.d.ts js/dom.js js/dom.d.ts pkg/
# The same classes for require(): js/api.js imports nothing and exports one function.
{ sed 's/^export function bind/function bind/' js/api.js; echo 'module.exports = { bind };'; } > pkg/api.cjs
# The nodejs glue is CommonJS inside a "type": "module" package.
printf '{ "type": "commonjs" }\n' > pkg/node/package.json
cp js/permeval.d.ts pkg/permeval.d.ts
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
sed "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" js/package.json > pkg/package.json
cp README.md pkg/

size() { printf '%-28s %8d bytes raw %8d bytes gzip\n' "$1" "$(wc -c < "$1")" "$(gzip -9c "$1" | wc -c)"; }
size pkg/web/permeval_bg.wasm
size pkg/web/permeval.js

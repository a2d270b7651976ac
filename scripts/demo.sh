#!/usr/bin/env bash
# The main job: builds the package and the demo page (Vite + React, on the embedded example org
# www/snapshots/acme.json) and serves them on 127.0.0.1 until Ctrl-C. PORT overrides the port (8080).
# The plain-HTML helper page is at /plain/; `node www/node-example.mjs` is the same tour from Node.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-pkg.sh
ln -sfn ../pkg node_modules/permeval
node_modules/.bin/vite build --config www/demo/vite.config.js
exec node www/demo/serve.mjs target/www-demo

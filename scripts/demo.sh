#!/usr/bin/env bash
# The main job: builds the package and runs the example on the embedded example snapshot (or on the
# snapshot file given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build-pkg.sh
ln -sfn ../pkg node_modules/permeval
node www/node-example.mjs "$@"

# workerd config for the permeval edge worker (www/edge/README.md). Paths are relative to this file; the
# wasm and its glue come from pkg/web, so run ./scripts/build-pkg.sh first. From the repository root:
#
#   PERMEVAL_ORIGIN=http://127.0.0.1:8788 node_modules/.bin/workerd serve www/edge/config.capnp
#
# listens on 127.0.0.1:8787 (override with --socket-addr http=127.0.0.1:PORT).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "edge", worker = .edgeWorker),
    # workerd's default "internet" service reaches public addresses only (an SSRF guard). This example's
    # origin runs on loopback, so the worker's outbound also allows "local" (127.0.0.0/8), nothing wider.
    (name = "internet-and-loopback",
     network = (allow = ["public", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8787", http = (), service = "edge"),
  ],
);

const edgeWorker :Workerd.Worker = (
  compatibilityDate = "2026-11-17",
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "permeval.js", esModule = embed "../../pkg/index.js"),
    (name = "api.js", esModule = embed "../../pkg/api.js"),
    (name = "web/permeval.js", esModule = embed "../../pkg/web/permeval.js"),
    (name = "permeval_bg.wasm", wasm = embed "../../pkg/web/permeval_bg.wasm"),
  ],
  bindings = [
    # The snapshot the worker starts with, until its first refresh from the origin.
    (name = "SNAPSHOT", text = embed "snapshot.json"),
    # SHA-256 hex of each bearer token → principal id. The demo tokens are listed in README.md.
    (name = "TOKENS", json = embed "tokens.json"),
    # Taken from the environment (null when unset), so one config serves by-hand runs and the tests.
    (name = "ORIGIN", fromEnvironment = "PERMEVAL_ORIGIN"),
    (name = "TTL_SECONDS", fromEnvironment = "PERMEVAL_TTL_SECONDS"),   # unset: 60
    (name = "DEBUG", fromEnvironment = "PERMEVAL_DEBUG"),               # "1" adds explanations to 403s
    # Ed25519 public keys (base64, separated by spaces or commas): when set, a snapshot fetched from the
    # origin loads only with a valid x-snapshot-signature header. Unset: no signature is asked for.
    (name = "PUBLIC_KEYS", fromEnvironment = "PERMEVAL_PUBLIC_KEYS"),
    # A snapshot older than this (from its generated_at) stops answering. Unset: only its expires_at.
    (name = "MAX_AGE_SECONDS", fromEnvironment = "PERMEVAL_MAX_AGE_SECONDS"),
  ],
  globalOutbound = "internet-and-loopback",
);

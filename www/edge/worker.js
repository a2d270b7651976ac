// The permeval edge worker: gates an API shaped like Braintrust's with a local copy of the org's ACLs, so a
// request the server would refuse is turned away at the edge. The origin stays the authority: what passes
// here is forwarded unchanged (Authorization included) and the origin checks it again.
//
// Bindings (see config.capnp and README.md): SNAPSHOT (text), ORIGIN (base URL), TTL_SECONDS, TOKENS (JSON:
// SHA-256 hex of a bearer token → principal id), DEBUG (optional), PUBLIC_KEYS (optional: when set, a fetched
// snapshot loads only with a valid x-snapshot-signature), MAX_AGE_SECONDS (optional).
import { initSync, Snapshot } from './permeval.js';
import wasm from './permeval_bg.wasm';

// workerd hands the module over already compiled; instantiating it once per isolate at start-up keeps every
// request free of an await on initialisation.
initSync({ module: wasm });

const PERMISSION_OF_METHOD = new Map([['GET', 'read'], ['PATCH', 'update'], ['DELETE', 'delete']]);
const DEFAULT_TTL_SECONDS = 60;
const REFRESH_TIMEOUT_MS = 5000;
// The origin sends the Ed25519 signature of the snapshot's bytes with the bytes themselves, so a body and a
// signature can never come from two different versions.
const SIGNATURE_HEADER = 'x-snapshot-signature';
// Where a caller fetches the snapshot's projection for itself (see `projectFor`).
const PROJECTION_PATH = '/permeval/snapshot';

// One snapshot per isolate, shared by its requests. It is created on the first request because bindings
// arrive with requests, and `checkedAt` is when the origin was last asked (successfully or not). `snapshot`
// is null only while no snapshot could be loaded at all: then every gated request is refused.
let state = null; // { snapshot: Snapshot | null, checkedAt: ms }

export default {
  async fetch(request, env) {
    // Authenticate first: an anonymous caller learns nothing, not even which paths exist.
    const principal = await authenticate(request, env);
    if (principal === null) {
      return Response.json({ error: 'unauthorized' }, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
    }

    const url = new URL(request.url);
    // The caller's own view of the ACLs, for its browser: the projection answers every check about the
    // caller as the whole snapshot does, and names nobody else.
    if (request.method === 'GET' && url.pathname === PROJECTION_PATH) {
      await refreshIfStale(env);
      if (state.snapshot === null) return Response.json({ error: 'no_snapshot' }, { status: 503 });
      return new Response(state.snapshot.projectFor(principal), {
        headers: { 'content-type': 'application/json', 'cache-control': 'private, no-store' },
      });
    }
    const check = route(request.method, url.pathname);
    if (check === null) return Response.json({ error: 'not_found' }, { status: 404 });

    // Creating needs the parent from the body; the body is read here, so it is forwarded as that text.
    let body = null;
    if (check.create) {
      body = await request.text();
      check.projectId = projectIdOf(body);
      if (check.projectId === null) {
        return Response.json(
          { error: 'bad_request', message: 'the body must be a JSON object with a non-empty string "project_id"' },
          { status: 400 },
        );
      }
    }

    await refreshIfStale(env);
    // No await between reading the snapshot and using it: a refresh finishing in another request frees the
    // old snapshot, which is only safe because nobody holds it across an await.
    if (state.snapshot === null) return Response.json({ error: 'no_snapshot' }, { status: 503 });
    const denial = decide(state.snapshot, principal, check);
    if (denial !== null) {
      const debug = /^(1|true|yes|on)$/i.test(env.DEBUG ?? '');
      return Response.json(
        { error: 'forbidden', reason: denial.reason, ...(debug && { explanation: denial.explanation }) },
        { status: 403 },
      );
    }
    return forward(request, url, env, principal, body);
  },
};

/** The principal id of the caller's bearer token, or null. The client never names its own principal. */
async function authenticate(request, env) {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) return null;
  // The table holds hashes, so a leaked config does not leak usable tokens.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(match[1]));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return Object.hasOwn(env.TOKENS, hash) ? env.TOKENS[hash] : null;
}

/** What the request asks to do, or null when the path (with its method) is not part of the gated API. */
function route(method, path) {
  let m;
  if ((m = /^\/v1\/(experiment|dataset|prompt|project)\/([^/]+)$/.exec(path)) && PERMISSION_OF_METHOD.has(method)) {
    return objectCheck(PERMISSION_OF_METHOD.get(method), m[1], m[2]);
  }
  if (method === 'GET' && (m = /^\/v1\/project_logs\/([^/]+)\/fetch$/.exec(path))) {
    return objectCheck('read', 'project_log', m[1]);
  }
  if (method === 'POST' && path === '/v1/experiment') return { create: true };
  return null;
}

function objectCheck(permission, type, rawId) {
  // Check the id the origin will act on, which is the decoded one; undecodable ids are not routes.
  try {
    return { permission, type, id: decodeURIComponent(rawId) };
  } catch {
    return null;
  }
}

function projectIdOf(text) {
  try {
    const id = JSON.parse(text)?.project_id;
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}

/** null when allowed; else the denial's reason code and the explanation behind it. */
function decide(snapshot, principal, check) {
  // The check is the fast path; only a denial pays for an explanation.
  if (check.create) {
    if (snapshot.canCreate(principal, 'experiment', 'project', check.projectId)) return null;
    const explanation = snapshot.explainCreate(principal, 'experiment', 'project', check.projectId);
    return { reason: explanation.reason, explanation };
  }
  if (snapshot.can(principal, check.permission, check.type, check.id)) return null;
  const explanation = snapshot.explain(principal, check.permission, check.type, check.id);
  return { reason: explanation.reason, explanation };
}

/** The load options the bindings ask for: a maximum age when MAX_AGE_SECONDS is set. */
function loadOptions(env) {
  const maxAge = parseFloat(env.MAX_AGE_SECONDS);
  return Number.isFinite(maxAge) && maxAge >= 0 ? { maxAgeSeconds: maxAge } : {};
}

/** The public keys a fetched snapshot must be signed with (several during a rotation); empty: unsigned. */
function publicKeys(env) {
  return String(env.PUBLIC_KEYS ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The binding's snapshot, which ships with the worker's code and is trusted like it; null if it cannot
 *  be loaded (stale, say), so that the first request goes to the origin at once. */
function initialState(env, now) {
  try {
    return { snapshot: Snapshot.fromJson(env.SNAPSHOT, loadOptions(env)), checkedAt: now };
  } catch (err) {
    console.warn(`the SNAPSHOT binding does not load: ${err.code ? `${err.code}: ` : ''}${err.message}`);
    return { snapshot: null, checkedAt: -Infinity };
  }
}

/** A snapshot from the origin's response: signed by one of PUBLIC_KEYS when that is set. Throws otherwise. */
async function loadResponse(response, env) {
  const keys = publicKeys(env);
  // Unsigned, the body is read as it arrives: the whole text never sits in the isolate's wasm memory, which
  // matters under a worker's memory limit, and a bad body stops the download where it goes wrong.
  if (keys.length === 0) return Snapshot.fromStream(response.body, loadOptions(env));
  // A signature covers the whole text, so a signed body is read whole before anything of it is trusted.
  // A missing header is an empty signature, which permeval refuses like a wrong one.
  const bytes = new Uint8Array(await response.arrayBuffer());
  return Snapshot.fromSignedJson(bytes, response.headers.get(SIGNATURE_HEADER) ?? '', keys, loadOptions(env));
}

/** Loads the binding's snapshot on first use; replaces it from the origin when older than the TTL. */
async function refreshIfStale(env) {
  const now = Date.now();
  state ??= initialState(env, now);
  const ttl = parseFloat(env.TTL_SECONDS); // unset → NaN → the default (Number(null) would be 0)
  if (now - state.checkedAt < (Number.isFinite(ttl) && ttl >= 0 ? ttl : DEFAULT_TTL_SECONDS) * 1000) return;

  // Claimed before the first await: requests arriving meanwhile answer from the current snapshot rather
  // than all asking the origin. After a failure the next attempt is one TTL later, not on every request.
  state.checkedAt = now;
  try {
    const response = await fetch(`${originBase(env)}/snapshot.json`, { signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`origin answered ${response.status}`);
    // Verified and parsed before anything is replaced: a body that fails to load (a bad signature, expired,
    // malformed) leaves the good snapshot in place.
    const next = await loadResponse(response, env);
    state.snapshot?.free();
    state.snapshot = next;
  } catch (err) {
    console.warn(`snapshot refresh failed, keeping the current one: ${err.code ? `${err.code}: ` : ''}${err.message}`);
  }
}

/** Sends the request on to the origin (same method, path, query, headers and body) and returns its answer. */
async function forward(request, url, env, principal, body) {
  const headers = new Headers(request.headers);
  // Tell the origin whom the worker authenticated; whatever a client put in this header is overwritten.
  headers.set('x-permeval-principal', principal);
  try {
    return await fetch(`${originBase(env)}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: body ?? request.body,
      redirect: 'manual', // a proxy passes redirects back rather than following them itself
    });
  } catch (err) {
    console.warn(`origin unreachable: ${err.message}`);
    return Response.json({ error: 'origin_unreachable' }, { status: 502 });
  }
}

function originBase(env) {
  return String(env.ORIGIN ?? '').replace(/\/+$/, '');
}

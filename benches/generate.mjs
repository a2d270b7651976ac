#!/usr/bin/env node
// Deterministic, seeded generator of synthetic Braintrust orgs for the benchmark suite.
//
//   node benches/generate.mjs [--sizes 1k,10k,100k,1m] [--seed permeval] [--out benches/data]
//
// For each size N (the number of ACL rows) it writes
//   <out>/org-<N>.json      the snapshot document (the envelope of spec §3.5), one row per line
//   <out>/queries-<N>.json  { principals, queries: [[principal, permission, objectType, objectId], …] }
// The same seed and N always give the same bytes. The shape of an org:
//   - users (1k–10k) plus service accounts (2% of users), all org members;
//   - permission groups nested three deep (top ⊇ mid ⊇ leaf through `member_groups`), plus the built-in
//     Owners / Engineers / Viewers (Viewers lists Engineers) with their usual ACL rows;
//   - system roles (owner, engineer, viewer) and custom roles that inherit them and each other, with
//     some `member_permissions` restricted to an object type;
//   - projects in overlapping project groups; child objects (experiments, datasets, prompts, playgrounds);
//   - ACL rows at every level (organization, org_project, project_group, project, child object), to users
//     and groups, by permission or role, with ~30% of container-level permission rows restricted to a type;
//   - ids are UUID-shaped strings drawn from the seed; ACL identity tuples are unique (no duplicates).
// Queries: half are "targeted" (drawn from an ACL row: a principal it reaches, an object below it; mostly
// allowed), half uniformly random (mostly denied). Principals come from a pool of up to 1,000 members (a
// browser holds one user, an edge worker a working set; CASL's per-user rule flattening needs the pool).
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];
export const CHILD_TYPES = ['experiment', 'dataset', 'prompt', 'prompt_session'];
/** The object types queries target: the part of the model every peer encodes. */
export const QUERY_TYPES = ['project', 'project_log', ...CHILD_TYPES];

/** Org shape per size. Objects: 50k up to 100k rows, then N/2 (issue: 50k–500k). */
export function shapeFor(n) {
  if (n < 1000) {
    // smoke sizes: tiny everything
    return { users: 40, groups: 12, projects: 8, projectGroups: 3, objects: 120, customRoles: 5, poolSize: 40 };
  }
  if (n <= 1000) return { users: 1000, groups: 100, projects: 200, projectGroups: 20, objects: 50000, customRoles: 8, poolSize: 1000 };
  if (n <= 10000) return { users: 5000, groups: 300, projects: 500, projectGroups: 50, objects: 50000, customRoles: 10, poolSize: 1000 };
  if (n <= 100000) return { users: 10000, groups: 1000, projects: 2000, projectGroups: 200, objects: 50000, customRoles: 12, poolSize: 1000 };
  return { users: 10000, groups: 1000, projects: 2000, projectGroups: 200, objects: Math.round(n / 2), customRoles: 12, poolSize: 1000 };
}

// ---- PRNG: sfc32 seeded from a string hash (cyrb128) -------------------------------------------------
function cyrb128(str) {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}
export function makeRng(seed) {
  let [a, b, c, d] = cyrb128(String(seed));
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const int = (n) => Math.floor(next() * n);
  const pick = (arr) => arr[int(arr.length)];
  const hex = (len) => {
    let s = '';
    while (s.length < len) s += (Math.floor(next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, len);
  };
  const uuid = () => {
    const h = hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const sample = (arr, k) => {
    const out = new Set();
    k = Math.min(k, arr.length);
    while (out.size < k) out.add(pick(arr));
    return [...out];
  };
  return { next, int, pick, uuid, sample };
}

const BASE_TIME = Date.UTC(2025, 0, 1);
const iso = (rng) => new Date(BASE_TIME + rng.int(500 * 86400) * 1000).toISOString();

/** Builds the org document and its queries in memory. */
export function generate(n, seed = 'permeval', { queryCount = 10000 } = {}) {
  const rng = makeRng(`${seed}:${n}`);
  const shape = shapeFor(n);
  const orgId = rng.uuid();
  const doc = { org: { id: orgId, name: `synthetic-${n}` } };

  // principals
  const nSa = Math.max(2, Math.round(shape.users * 0.02));
  doc.users = [];
  for (let i = 0; i < shape.users; i++) {
    doc.users.push({ id: rng.uuid(), given_name: `user${i}`, email: `user${i}@example.com`, created: iso(rng) });
  }
  doc.service_accounts = [];
  for (let i = 0; i < nSa; i++) doc.service_accounts.push({ id: rng.uuid(), name: `svc-${i}` });
  const members = [...doc.users.map((u) => u.id), ...doc.service_accounts.map((s) => s.id)];

  // groups: built-ins, then three tiers (top ⊇ mid ⊇ leaf)
  const mkGroup = (name) => ({ id: rng.uuid(), org_id: orgId, name, member_users: [], member_groups: [], created: iso(rng), deleted_at: null });
  const owners = mkGroup('Owners'), engineers = mkGroup('Engineers'), viewers = mkGroup('Viewers');
  viewers.member_groups.push(engineers.id);
  const nTop = Math.max(1, Math.round(shape.groups * 0.1));
  const nMid = Math.max(1, Math.round(shape.groups * 0.3));
  const nLeaf = Math.max(1, shape.groups - 3 - nTop - nMid);
  const top = [], mid = [], leaf = [];
  for (let i = 0; i < nTop; i++) top.push(mkGroup(`top-${i}`));
  for (let i = 0; i < nMid; i++) mid.push(mkGroup(`mid-${i}`));
  for (let i = 0; i < nLeaf; i++) leaf.push(mkGroup(`leaf-${i}`));
  for (const g of top) g.member_groups.push(...rng.sample(mid, 2 + rng.int(3)).map((h) => h.id));
  for (const g of mid) g.member_groups.push(...rng.sample(leaf, 2 + rng.int(3)).map((h) => h.id));
  for (let i = 0; i < 5 && i < members.length; i++) owners.member_users.push(members[i]);
  for (const m of members) {
    const r = rng.next();
    if (r < 0.02) engineers.member_users.push(m);
    else if (r < 0.05) viewers.member_users.push(m);
    const k = 1 + rng.int(3);
    for (let j = 0; j < k; j++) {
      const g = rng.next() < 0.8 ? rng.pick(leaf) : rng.pick(mid);
      if (!g.member_users.includes(m)) g.member_users.push(m);
    }
  }
  doc.groups = [owners, engineers, viewers, ...top, ...mid, ...leaf];

  // roles: system roles, then custom roles inheriting earlier ones
  const sysRole = (name, perms) => ({
    id: rng.uuid(), org_id: null, name, member_permissions: perms.map((p) => ({ permission: p })), member_roles: [], deleted_at: null,
  });
  doc.roles = [
    sysRole('owner', PERMISSIONS),
    sysRole('engineer', ['create', 'read', 'update', 'delete']),
    sysRole('viewer', ['read']),
  ];
  for (let i = 0; i < shape.customRoles; i++) {
    const perms = [];
    const k = 1 + rng.int(4);
    for (let j = 0; j < k; j++) {
      const p = { permission: rng.pick(PERMISSIONS.slice(0, 4)) };
      if (rng.next() < 0.5) p.restrict_object_type = rng.pick(CHILD_TYPES);
      if (!perms.some((q) => q.permission === p.permission && q.restrict_object_type === p.restrict_object_type)) perms.push(p);
    }
    const inherits = rng.sample(doc.roles, rng.int(3)).map((r) => r.id);
    doc.roles.push({ id: rng.uuid(), org_id: orgId, name: `custom-${i}`, member_permissions: perms, member_roles: inherits, deleted_at: null });
  }

  // projects, project groups (overlapping), child objects
  doc.projects = [];
  for (let i = 0; i < shape.projects; i++) doc.projects.push({ id: rng.uuid(), org_id: orgId, name: `project-${i}`, created: iso(rng), deleted_at: null });
  const projectIds = doc.projects.map((p) => p.id);
  doc.project_groups = [];
  for (let i = 0; i < shape.projectGroups; i++) {
    const mem = rng.sample(projectIds, 3 + rng.int(Math.max(3, Math.round(shape.projects / 20)))).sort();
    doc.project_groups.push({ id: rng.uuid(), org_id: orgId, name: `pgroup-${i}`, member_projects: mem, deleted_at: null });
  }
  doc.objects = [];
  const childrenOf = new Map(projectIds.map((p) => [p, []]));
  const TYPE_MIX = [[0.4, 'experiment'], [0.65, 'dataset'], [0.85, 'prompt'], [1, 'prompt_session']];
  for (let i = 0; i < shape.objects; i++) {
    const r = rng.next();
    const type = TYPE_MIX.find(([c]) => r < c)[1];
    const project_id = rng.pick(projectIds);
    const o = { type, id: rng.uuid(), project_id, name: `${type}-${i}` };
    doc.objects.push(o);
    childrenOf.get(project_id).push(o);
  }

  // ACL rows
  const acls = [];
  const seen = new Set();
  const add = (row) => {
    const key = `${row.object_type}|${row.object_id}|${row.user_id ?? ''}|${row.group_id ?? ''}|${row.permission ?? ''}|${row.role_id ?? ''}|${row.restrict_object_type ?? ''}`;
    if (seen.has(key) || acls.length >= n) return false;
    seen.add(key);
    acls.push({ id: rng.uuid(), ...row, _object_org_id: orgId, created: iso(rng) });
    return true;
  };
  const on = (object_type, object_id) => ({ object_type, object_id });
  for (const p of PERMISSIONS) add({ ...on('organization', orgId), group_id: owners.id, permission: p });
  for (const p of ['create', 'read', 'update', 'delete']) add({ ...on('org_project', orgId), group_id: engineers.id, permission: p });
  add({ ...on('org_project', orgId), group_id: viewers.id, permission: 'read' });
  add({ ...on('organization', orgId), group_id: viewers.id, permission: 'read', restrict_object_type: 'organization' });
  add({ ...on('organization', orgId), group_id: engineers.id, permission: 'read', restrict_object_type: 'organization' });

  const allGroups = [...top, ...mid, ...leaf];
  const PERM_WEIGHTS = [[0.15, 'create'], [0.5, 'read'], [0.7, 'update'], [0.8, 'delete'], [0.85, 'create_acls'], [0.9, 'read_acls'], [0.95, 'update_acls'], [1, 'delete_acls']];
  const CONTAINER_RESTRICT = ['experiment', 'dataset', 'prompt', 'prompt_session', 'project_log', 'project'];
  let guard = 0;
  while (acls.length < n && guard++ < n * 20) {
    const lvl = rng.next();
    let target;
    let isContainer = true;
    if (lvl < 0.002) target = on('organization', orgId);
    else if (lvl < 0.01) target = on('org_project', orgId);
    else if (lvl < 0.06) target = on('project_group', rng.pick(doc.project_groups).id);
    else if (lvl < 0.5) target = on('project', rng.pick(projectIds));
    else {
      const o = rng.pick(doc.objects);
      target = on(o.type, o.id);
      isContainer = false;
    }
    const row = { ...target };
    // principals: wide org-level grants go to groups in small tiers so that not everyone gets everything
    if (rng.next() < 0.6 || (isContainer && lvl < 0.01)) row.group_id = (lvl < 0.01 ? rng.pick(leaf) : rng.pick(allGroups)).id;
    else row.user_id = rng.next() < 0.1 ? rng.pick(doc.service_accounts).id : rng.pick(doc.users).id;
    if (rng.next() < 0.25) {
      row.role_id = rng.pick(doc.roles).id;
    } else {
      const r = rng.next();
      row.permission = PERM_WEIGHTS.find(([c]) => r < c)[1];
      if (isContainer && rng.next() < (lvl < 0.01 ? 0.8 : 0.3)) row.restrict_object_type = rng.pick(CONTAINER_RESTRICT);
    }
    add(row);
  }
  doc.acls = acls;

  // queries
  const groupById = new Map(doc.groups.map((g) => [g.id, g]));
  const roleById = new Map(doc.roles.map((r) => [r.id, r]));
  const pool = members.length <= shape.poolSize ? members : rng.sample(members, shape.poolSize);
  const poolSet = new Set(pool);
  // a member reached by a group: walk down member_groups and take a direct member in the pool, if any
  const memberOf = (gid) => {
    for (let tries = 0; tries < 6; tries++) {
      let g = groupById.get(gid);
      for (let d = 0; d < 4 && g.member_groups.length && rng.next() < 0.5; d++) g = groupById.get(rng.pick(g.member_groups));
      const inPool = g.member_users.filter((u) => poolSet.has(u));
      if (inPool.length) return rng.pick(inPool);
    }
    return rng.pick(pool);
  };
  const objectBelow = (acl) => {
    const fromProject = (pid) => {
      const r = rng.next();
      if (r < 0.1) return ['project', pid];
      if (r < 0.15) return ['project_log', pid];
      const kids = childrenOf.get(pid);
      if (!kids.length) return ['project', pid];
      const o = rng.pick(kids);
      return [o.type, o.id];
    };
    switch (acl.object_type) {
      case 'organization': case 'org_project': return fromProject(rng.pick(projectIds));
      case 'project_group': return fromProject(rng.pick(doc.project_groups.find((g) => g.id === acl.object_id).member_projects));
      case 'project': return fromProject(acl.object_id);
      default: return [acl.object_type, acl.object_id];
    }
  };
  const randomObject = () => {
    const r = rng.next();
    if (r < 0.1) return ['project', rng.pick(projectIds)];
    if (r < 0.15) return ['project_log', rng.pick(projectIds)];
    const o = rng.pick(doc.objects);
    return [o.type, o.id];
  };
  const poolAcls = acls.filter((a) => (a.user_id ? poolSet.has(a.user_id) : true));
  const queries = [];
  for (let i = 0; i < queryCount; i++) {
    if (i % 2 === 0) {
      const a = rng.pick(poolAcls);
      const principal = a.user_id ?? memberOf(a.group_id);
      let perm = a.permission;
      if (!perm) {
        const role = roleById.get(a.role_id);
        perm = role.member_permissions.length ? rng.pick(role.member_permissions).permission : rng.pick(PERMISSIONS);
      }
      if (rng.next() < 0.2) perm = rng.pick(PERMISSIONS);
      let [type, id] = objectBelow(a);
      if (a.restrict_object_type && QUERY_TYPES.includes(a.restrict_object_type) && rng.next() < 0.7 && a.restrict_object_type !== type) {
        // try to hit the restricted type below the same target
        for (let t = 0; t < 8 && type !== a.restrict_object_type; t++) [type, id] = objectBelow(a);
      }
      queries.push([principal, perm, type, id]);
    } else {
      const [type, id] = randomObject();
      queries.push([rng.pick(pool), rng.pick(PERMISSIONS), type, id]);
    }
  }
  return { doc, queries, principals: pool, shape, orgId };
}

/** Serialises the document: one row per line, sections in the §3.5 order. Returns an array of chunks. */
export function* documentChunks(doc) {
  yield `{"org":${JSON.stringify(doc.org)}`;
  for (const key of ['users', 'service_accounts', 'groups', 'roles', 'projects', 'project_groups', 'objects', 'acls']) {
    yield `,\n"${key}":[\n`;
    const rows = doc[key];
    let buf = [];
    for (let i = 0; i < rows.length; i++) {
      buf.push(JSON.stringify(rows[i]));
      if (buf.length === 5000) { yield buf.join(',\n') + (i + 1 < rows.length ? ',\n' : ''); buf = []; }
    }
    if (buf.length) yield buf.join(',\n');
    yield '\n]';
  }
  yield '}\n';
}
export function documentText(doc) { return [...documentChunks(doc)].join(''); }

export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(s).trim());
  if (!m) throw new Error(`bad size ${s}`);
  return Math.round(Number(m[1]) * ({ '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]));
}
export const sizeLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}m` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

export function writeOrg(n, outDir, seed = 'permeval', opts = {}) {
  const t0 = performance.now();
  const { doc, queries, principals } = generate(n, seed, opts);
  mkdirSync(outDir, { recursive: true });
  const docPath = resolve(outDir, `org-${sizeLabel(n)}.json`);
  const fd = openSync(docPath, 'w');
  let bytes = 0;
  for (const chunk of documentChunks(doc)) bytes += writeSync(fd, chunk);
  closeSync(fd);
  const qPath = resolve(outDir, `queries-${sizeLabel(n)}.json`);
  const fq = openSync(qPath, 'w');
  writeSync(fq, JSON.stringify({ seed, n, principals, queries }));
  closeSync(fq);
  const counts = Object.fromEntries(['users', 'service_accounts', 'groups', 'roles', 'projects', 'project_groups', 'objects', 'acls'].map((k) => [k, doc[k].length]));
  return { docPath, qPath, bytes, counts, ms: performance.now() - t0 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
  const sizes = opt('sizes', '1k,10k,100k,1m').split(',').map(parseSize);
  const seed = opt('seed', 'permeval');
  const out = resolve(opt('out', fileURLToPath(new URL('./data', import.meta.url))));
  for (const n of sizes) {
    const r = writeOrg(n, out, seed);
    console.log(`N=${sizeLabel(n)}: ${r.docPath} ${(r.bytes / 1e6).toFixed(1)} MB ${JSON.stringify(r.counts)} in ${(r.ms / 1000).toFixed(1)} s`);
  }
}

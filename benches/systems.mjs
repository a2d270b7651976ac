// The four systems of the benchmark, each loading the same org and answering the same `can` queries.
// A query is [principalId, permission, objectType, objectId]; objectType is one of QUERY_TYPES.
//
// - permeval: `Snapshot.fromJson(bytes)` then `snap.can(...)` with string ids.
// - CASL: rules flattened per user with conditions (`{ projectId: { $in: [...] } }` for project groups,
//   `{ projectId }` for projects, `{ id }` for single objects), one ability per principal of the query pool.
// - Cedar: one policy per ACL row (role rows expand to an action list or a `when` disjunction when the role
//   has restricted permissions; `restrict_object_type` becomes `resource is T in …`); users, groups and the
//   object → project → project group → org_project → organization hierarchy are entity parents. Requests pass
//   the entity slice they need (the principal with its groups, the resource with its ancestors), the
//   policy set is preparsed once (`preparsePolicySet` + `statefulIsAuthorized`).
// - casbin: `p, sub, obj, act, restrict` per (ACL row × role permission), `g` for group membership
//   (user → group, member group → group), `g2` for object → project → project group / org_project → org.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { QUERY_TYPES } from './generate.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../', import.meta.url);

export function versionOf(pkg) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, ROOT), 'utf8')).version;
  } catch {
    return null;
  }
}

// ---- the model, as the peers need it precomputed ------------------------------------------------------
/** Group closure, role expansion, ACL index by holder and the object hierarchy, derived from the document. */
export function deriveModel(doc) {
  const orgId = doc.org.id;
  const groups = new Map((doc.groups ?? []).map((g) => [g.id, g]));
  const parentsOfGroup = new Map(); // B -> [A] where A.member_groups includes B
  const directGroupsOf = new Map(); // user -> [G]
  for (const g of groups.values()) {
    for (const b of g.member_groups ?? []) {
      if (!parentsOfGroup.has(b)) parentsOfGroup.set(b, []);
      parentsOfGroup.get(b).push(g.id);
    }
    for (const u of g.member_users ?? []) {
      if (!directGroupsOf.has(u)) directGroupsOf.set(u, []);
      directGroupsOf.get(u).push(g.id);
    }
  }
  const groupsOf = (u) => {
    const out = new Set();
    const stack = [...(directGroupsOf.get(u) ?? [])];
    while (stack.length) {
      const g = stack.pop();
      if (out.has(g)) continue;
      out.add(g);
      for (const p of parentsOfGroup.get(g) ?? []) stack.push(p);
    }
    return out;
  };
  const roles = new Map((doc.roles ?? []).map((r) => [r.id, r]));
  const expandCache = new Map();
  const expandRole = (rid) => {
    if (expandCache.has(rid)) return expandCache.get(rid);
    const seen = new Set();
    const out = new Map();
    const stack = [rid];
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id)) continue;
      seen.add(id);
      const r = roles.get(id);
      if (!r) continue;
      for (const mp of r.member_permissions ?? []) {
        const key = `${mp.permission}|${mp.restrict_object_type ?? ''}`;
        out.set(key, { permission: mp.permission, restrict: mp.restrict_object_type ?? null });
      }
      for (const m of r.member_roles ?? []) stack.push(m);
    }
    const list = [...out.values()];
    expandCache.set(rid, list);
    return list;
  };
  /** The (permission, restriction) pairs an ACL row grants. */
  const grantsOf = (a) => (a.permission ? [{ permission: a.permission, restrict: a.restrict_object_type ?? null }] : expandRole(a.role_id));
  const aclsByHolder = new Map();
  for (const a of doc.acls ?? []) {
    const h = a.user_id ? `u:${a.user_id}` : `g:${a.group_id}`;
    if (!aclsByHolder.has(h)) aclsByHolder.set(h, []);
    aclsByHolder.get(h).push(a);
  }
  const projectGroups = new Map((doc.project_groups ?? []).map((pg) => [pg.id, pg]));
  const groupsOfProject = new Map();
  for (const pg of projectGroups.values()) {
    for (const p of pg.member_projects) {
      if (!groupsOfProject.has(p)) groupsOfProject.set(p, []);
      groupsOfProject.get(p).push(pg.id);
    }
  }
  const objects = new Map((doc.objects ?? []).map((o) => [o.id, o]));
  return { orgId, groups, parentsOfGroup, directGroupsOf, groupsOf, roles, expandRole, grantsOf, aclsByHolder, projectGroups, groupsOfProject, objects };
}

// ---- permeval ------------------------------------------------------------------------------------------
export async function loadPermevalModule() {
  return import(new URL('pkg/node.mjs', ROOT).href);
}

const permeval = {
  name: 'permeval',
  version: () => JSON.parse(readFileSync(new URL('pkg/package.json', ROOT), 'utf8')).version,
  async load({ bytes }) {
    const { Snapshot } = await loadPermevalModule();
    const snap = Snapshot.fromJson(bytes);
    return { can: (q) => snap.can(q[0], q[1], q[2], q[3]), snap };
  },
};

// ---- CASL ----------------------------------------------------------------------------------------------
const casl = {
  name: 'CASL',
  version: () => versionOf('@casl/ability'),
  async load({ text, principals }) {
    const { createMongoAbility, subject } = require('@casl/ability');
    const doc = JSON.parse(text);
    const m = deriveModel(doc);
    const typesFor = (r) => (r === null ? QUERY_TYPES : QUERY_TYPES.includes(r) ? [r] : []);
    const rulesFor = (u) => {
      const rules = [];
      const rows = [...(m.aclsByHolder.get(`u:${u}`) ?? [])];
      for (const g of m.groupsOf(u)) for (const a of m.aclsByHolder.get(`g:${g}`) ?? []) rows.push(a);
      for (const a of rows) {
        for (const { permission, restrict } of m.grantsOf(a)) {
          switch (a.object_type) {
            case 'organization':
            case 'org_project':
              if (a.object_id !== m.orgId) break;
              for (const t of typesFor(restrict)) rules.push({ action: permission, subject: t });
              break;
            case 'project_group': {
              const pg = m.projectGroups.get(a.object_id);
              if (!pg) break;
              for (const t of typesFor(restrict)) rules.push({ action: permission, subject: t, conditions: { projectId: { $in: pg.member_projects } } });
              break;
            }
            case 'project':
              for (const t of typesFor(restrict)) rules.push({ action: permission, subject: t, conditions: { projectId: a.object_id } });
              break;
            default:
              if (restrict === null || restrict === a.object_type) rules.push({ action: permission, subject: a.object_type, conditions: { id: a.object_id } });
          }
        }
      }
      return rules;
    };
    const abilities = new Map();
    let ruleCount = 0;
    // Abilities are built for the principals the caller names (the harness passes a subset of the query
    // pool: flattening every group grant onto every member is quadratic-ish and does not fit at 100k rows).
    for (const u of principals) {
      const rules = rulesFor(u);
      ruleCount += rules.length;
      abilities.set(u, createMongoAbility(rules));
    }
    const subjects = Object.fromEntries(QUERY_TYPES.map((t) => [t, new Map()]));
    for (const p of doc.projects) {
      subjects.project.set(p.id, subject('project', { id: p.id, projectId: p.id }));
      subjects.project_log.set(p.id, subject('project_log', { id: p.id, projectId: p.id }));
    }
    for (const o of doc.objects) subjects[o.type]?.set(o.id, subject(o.type, { id: o.id, projectId: o.project_id }));
    const can = (q) => {
      const ab = abilities.get(q[0]);
      const s = subjects[q[2]]?.get(q[3]);
      return !!(ab && s && ab.can(q[1], s));
    };
    return { can, info: { rules: ruleCount, abilities: abilities.size } };
  },
};

// ---- Cedar ---------------------------------------------------------------------------------------------
const CEDAR_TYPE = {
  organization: 'Organization', org_project: 'OrgProject', project_group: 'ProjectGroup', project: 'Project',
  experiment: 'Experiment', dataset: 'Dataset', prompt: 'Prompt', prompt_session: 'PromptSession', project_log: 'ProjectLog',
};
const cedarUid = (type, id) => `${CEDAR_TYPE[type]}::${JSON.stringify(id)}`;

export function cedarPolicyText(m, a) {
  const principal = a.user_id ? `principal == User::${JSON.stringify(a.user_id)}` : `principal in Group::${JSON.stringify(a.group_id)}`;
  const target = CEDAR_TYPE[a.object_type] ? cedarUid(a.object_type, a.object_id) : null;
  if (!target) return null;
  const grants = m.grantsOf(a);
  if (!grants.length) return null;
  const isT = (r) => CEDAR_TYPE[r] ?? `Unknown_${r}`;
  if (grants.length === 1) {
    const { permission, restrict } = grants[0];
    const resource = restrict ? `resource is ${isT(restrict)} in ${target}` : `resource in ${target}`;
    return `permit(${principal}, action == Action::${JSON.stringify(permission)}, ${resource});`;
  }
  if (grants.every((g) => g.restrict === null)) {
    return `permit(${principal}, action in [${grants.map((g) => `Action::${JSON.stringify(g.permission)}`).join(', ')}], resource in ${target});`;
  }
  const cond = grants
    .map((g) => (g.restrict ? `(action == Action::${JSON.stringify(g.permission)} && resource is ${isT(g.restrict)})` : `action == Action::${JSON.stringify(g.permission)}`))
    .join(' || ');
  return `permit(${principal}, action, resource in ${target}) when { ${cond} };`;
}

const cedar = {
  name: 'Cedar',
  version: () => versionOf('@cedar-policy/cedar-wasm'),
  async load({ text }) {
    const cw = require('@cedar-policy/cedar-wasm/nodejs');
    const doc = JSON.parse(text);
    const m = deriveModel(doc);
    const policies = [];
    for (const a of doc.acls) {
      const p = cedarPolicyText(m, a);
      if (p) policies.push(p);
    }
    const psId = `ps${Math.random()}`;
    const ans = cw.preparsePolicySet(psId, { staticPolicies: policies.join('\n') });
    if (ans.type !== 'success') throw new Error(`cedar: ${JSON.stringify(ans.errors?.slice(0, 3))}`);
    const uid = (type, id) => ({ type, id });
    const orgId = m.orgId;
    // entity JSON for every entity, built lazily and cached; slices cached per principal / resource
    const entityCache = new Map();
    const groupEntity = (g) => {
      const k = `G:${g}`;
      let e = entityCache.get(k);
      if (!e) entityCache.set(k, (e = { uid: uid('Group', g), attrs: {}, parents: (m.parentsOfGroup.get(g) ?? []).map((p) => uid('Group', p)) }));
      return e;
    };
    const principalSlice = new Map();
    const sliceOfPrincipal = (u) => {
      let s = principalSlice.get(u);
      if (s) return s;
      s = [{ uid: uid('User', u), attrs: {}, parents: (m.directGroupsOf.get(u) ?? []).map((g) => uid('Group', g)) }];
      for (const g of m.groupsOf(u)) s.push(groupEntity(g));
      principalSlice.set(u, s);
      return s;
    };
    const orgEntities = [
      { uid: uid('Organization', orgId), attrs: {}, parents: [] },
      { uid: uid('OrgProject', orgId), attrs: {}, parents: [uid('Organization', orgId)] },
    ];
    const projectSlice = new Map();
    const sliceOfProject = (p) => {
      let s = projectSlice.get(p);
      if (s) return s;
      const pgs = m.groupsOfProject.get(p) ?? [];
      s = [{ uid: uid('Project', p), attrs: {}, parents: [uid('OrgProject', orgId), ...pgs.map((g) => uid('ProjectGroup', g))] }, ...orgEntities];
      for (const g of pgs) s.push({ uid: uid('ProjectGroup', g), attrs: {}, parents: [uid('OrgProject', orgId)] });
      projectSlice.set(p, s);
      return s;
    };
    const resourceSlice = new Map();
    const sliceOfResource = (type, id) => {
      const k = `${type}:${id}`;
      let s = resourceSlice.get(k);
      if (s) return s;
      if (type === 'project') s = sliceOfProject(id);
      else if (type === 'project_log') s = [{ uid: uid('ProjectLog', id), attrs: {}, parents: [uid('Project', id)] }, ...sliceOfProject(id)];
      else {
        const o = m.objects.get(id);
        s = o ? [{ uid: uid(CEDAR_TYPE[type], id), attrs: {}, parents: [uid('Project', o.project_id)] }, ...sliceOfProject(o.project_id)] : [];
      }
      resourceSlice.set(k, s);
      return s;
    };
    const can = (q) => {
      const entities = sliceOfPrincipal(q[0]).concat(sliceOfResource(q[2], q[3]));
      const r = cw.statefulIsAuthorized({
        principal: { type: 'User', id: q[0] },
        action: { type: 'Action', id: q[1] },
        resource: { type: CEDAR_TYPE[q[2]], id: q[3] },
        context: {},
        preparsedPolicySetId: psId,
        entities,
      });
      if (r.type !== 'success') throw new Error(`cedar: ${JSON.stringify(r.errors?.slice(0, 2))}`);
      return r.response.decision === 'allow';
    };
    return { can, info: { policies: policies.length } };
  },
};

// ---- casbin --------------------------------------------------------------------------------------------
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act, typ

[policy_definition]
p = sub, obj, act, rtyp

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.act == p.act && (p.rtyp == "*" || p.rtyp == r.typ) && g(r.sub, p.sub) && g2(r.obj, p.obj)
`;

const casbin = {
  name: 'casbin',
  version: () => versionOf('casbin'),
  async load({ text }) {
    const cb = require('casbin');
    const doc = JSON.parse(text);
    const m = deriveModel(doc);
    const lines = [];
    for (const a of doc.acls) {
      const sub = a.user_id ? `user:${a.user_id}` : `group:${a.group_id}`;
      for (const { permission, restrict } of m.grantsOf(a)) lines.push(`p, ${sub}, ${a.object_type}:${a.object_id}, ${permission}, ${restrict ?? '*'}`);
    }
    const pLines = lines.length;
    for (const g of m.groups.values()) {
      for (const u of g.member_users ?? []) lines.push(`g, user:${u}, group:${g.id}`);
      for (const b of g.member_groups ?? []) lines.push(`g, group:${b}, group:${g.id}`);
    }
    const org = m.orgId;
    lines.push(`g2, org_project:${org}, organization:${org}`);
    for (const pg of m.projectGroups.values()) lines.push(`g2, project_group:${pg.id}, org_project:${org}`);
    for (const p of doc.projects) {
      lines.push(`g2, project:${p.id}, org_project:${org}`);
      lines.push(`g2, project_log:${p.id}, project:${p.id}`);
      for (const pg of m.groupsOfProject.get(p.id) ?? []) lines.push(`g2, project:${p.id}, project_group:${pg}`);
    }
    for (const o of doc.objects) lines.push(`g2, ${o.type}:${o.id}, project:${o.project_id}`);
    const e = await cb.newEnforcer(cb.newModelFromString(CASBIN_MODEL), new cb.StringAdapter(lines.join('\n')));
    const can = (q) => e.enforceSync(`user:${q[0]}`, `${q[2]}:${q[3]}`, q[1], q[2]);
    return { can, info: { policies: pLines, lines: lines.length } };
  },
};

export const SYSTEMS = { permeval, casl, cedar, casbin };

// Display names and the object list, read from the snapshot document's own rows. permeval ignores names;
// the page shows them. Rows are read defensively: a loaded document may hold rows permeval skipped.

const ORG_LEVEL = [
  ['organization', 'Organization'],
  ['org_project', 'All projects'],
  ['org_member', 'Members'],
  ['org_audit_logs', 'Audit logs'],
  ['org_ai_secret', 'All AI secrets'],
];

const CHILD_ORDER = ['experiment', 'dataset', 'prompt', 'prompt_session'];

const TYPE_WORDS = {
  organization: 'organization', org_project: 'All projects', org_member: 'members', org_audit_logs: 'audit logs',
  org_ai_secret: 'AI secrets', project_group: 'project group', project: 'project', experiment: 'experiment',
  dataset: 'dataset', prompt: 'prompt', prompt_session: 'playground', project_log: 'logs', group: 'group',
  role: 'role', ai_secret: 'AI secret',
};

/** Prompts double as functions, scorers and classifiers (spec §1.1); the row's function_type says which. */
const PROMPT_KINDS = { tool: 'function', function: 'function', scorer: 'scorer', classifier: 'classifier' };

const str = (value) => (typeof value === 'string' && value !== '' ? value : null);

function rows(doc, key) {
  const section = doc?.[key];
  return Array.isArray(section)
    ? section.filter((row) => row && typeof row === 'object' && !Array.isArray(row) && str(row.id))
    : [];
}

function firstById(list) {
  const map = new Map();
  for (const row of list) if (!map.has(row.id)) map.set(row.id, row);
  return map;
}

/** The kind word shown for an object: "playground", "scorer", … */
export function kindOf(type, row) {
  if (type === 'prompt') return PROMPT_KINDS[row?.function_type] ?? 'prompt';
  return TYPE_WORDS[type] ?? type;
}

/** Builds the names and the object list of one snapshot document. */
export function buildCatalog(doc) {
  const orgId = str(doc?.org?.id) ?? '';
  const orgName = str(doc?.org?.name) ?? orgId;
  const users = firstById(rows(doc, 'users'));
  const accounts = firstById(rows(doc, 'service_accounts'));
  const groups = firstById(rows(doc, 'groups'));
  const roles = firstById(rows(doc, 'roles'));
  const projectRows = [...firstById(rows(doc, 'projects')).values()];
  const projectsById = new Map(projectRows.map((p) => [p.id, p]));
  const projectGroups = firstById(rows(doc, 'project_groups'));
  const objectRows = rows(doc, 'objects').filter((o) => str(o.type));
  const objects = new Map();
  for (const row of objectRows) if (!objects.has(`${row.type}:${row.id}`)) objects.set(`${row.type}:${row.id}`, row);

  const person = (id) => {
    const user = users.get(id);
    if (user) {
      const full = [str(user.given_name), str(user.family_name)].filter(Boolean).join(' ');
      return { name: full || str(user.name) || str(user.email) || id, short: str(user.given_name) || str(user.name) || str(user.email) || id, email: str(user.email), kind: 'user' };
    }
    const account = accounts.get(id);
    if (account) return { name: str(account.name) || id, short: str(account.name) || id, email: str(account.email), kind: 'service_account' };
    return { name: id, short: id, email: null, kind: 'unknown' };
  };

  const rowOf = (type, id) => {
    switch (type) {
      case 'project': case 'project_log': return projectsById.get(id);
      case 'project_group': return projectGroups.get(id);
      case 'group': return groups.get(id);
      case 'role': return roles.get(id);
      default: return objects.get(`${type}:${id}`);
    }
  };

  /** The object's own name: "rag-v2", "chatbot", "All projects". */
  const nameOf = (type, id) => {
    const org = ORG_LEVEL.find(([t]) => t === type);
    if (org) return type === 'organization' ? orgName : org[1];
    return str(rowOf(type, id)?.name) ?? id;
  };

  /** The object in a sentence: "experiment rag-v2", "All projects", "logs of chatbot". */
  const describe = (type, id) => {
    if (type === 'org_project' || type === 'org_member' || type === 'org_audit_logs' || type === 'org_ai_secret') {
      return nameOf(type, id);
    }
    if (type === 'project_log') return `logs of ${nameOf('project', id)}`;
    return `${kindOf(type, rowOf(type, id))} ${nameOf(type, id)}`;
  };

  const entry = (type, id) => {
    const row = rowOf(type, id);
    const deleted = row?.deleted_at != null || (row?.project_id != null && projectsById.get(row.project_id)?.deleted_at != null);
    return { key: `${type}:${id}`, type, id, name: nameOf(type, id), kind: kindOf(type, row), deleted, row };
  };

  const projects = projectRows.map((project) => {
    const children = objectRows
      .filter((o) => o.project_id === project.id && CHILD_ORDER.includes(o.type))
      .sort((a, b) => CHILD_ORDER.indexOf(a.type) - CHILD_ORDER.indexOf(b.type))
      .map((o) => entry(o.type, o.id));
    const inGroups = [...projectGroups.values()]
      .filter((g) => Array.isArray(g.member_projects) && g.member_projects.includes(project.id))
      .map((g) => str(g.name) ?? g.id);
    return { ...entry('project', project.id), children, log: entry('project_log', project.id), inGroups };
  });

  /** The rows of the effective-permission matrix, in sections. */
  const sections = [
    { title: 'Organization', items: ORG_LEVEL.map(([type]) => entry(type, orgId)) },
    { title: 'Project groups', items: [...projectGroups.keys()].map((id) => entry('project_group', id)) },
    { title: 'Permission groups and roles', items: [...[...groups.keys()].map((id) => entry('group', id)), ...[...roles.keys()].map((id) => entry('role', id))] },
    { title: 'AI secrets', items: objectRows.filter((o) => o.type === 'ai_secret').map((o) => entry('ai_secret', o.id)) },
    ...projects.map((p) => ({ title: `Project ${p.name}${p.deleted ? ' (deleted)' : ''}`, items: [p, ...p.children, p.log] })),
  ].filter((s) => s.items.length > 0);

  return {
    orgId, orgName, person, nameOf, describe, projects, sections,
    group: (id) => str(groups.get(id)?.name) ?? id,
    role: (id) => str(roles.get(id)?.name) ?? id,
    allObjects: sections.flatMap((s) => s.items),
  };
}

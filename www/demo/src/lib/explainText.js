// An `explain` answer as readable sentences:
// "Bob ∈ Engineers → ACL a10 on All projects grants update".

const REASONS = {
  not_a_member: (c) => `${c.who} is not a member of ${c.org}`,
  object_deleted: (c) => `${c.object} is deleted, or sits in a deleted project`,
  other_org: (c) => `${c.object} belongs to another organization`,
  object_unknown: (c) => `${c.object} is not in the snapshot, and no org-wide grant of ${c.permission} covers it`,
  restricted_to_other_type: (c) => `the grants of ${c.permission} that reach ${c.object} are restricted to other object types`,
  no_grant: (c) => `no grant of ${c.permission} reaches ${c.object}`,
  stale: () => 'the snapshot has expired: nothing is granted until a fresh one is loaded',
};

/** One grant path: who holds it, through which groups, which ACL on what, through which roles. */
export function pathSentence(path, { principalId, permission, catalog }) {
  const who = catalog.person(principalId).short;
  const via = path.holder.kind === 'user'
    ? `${who} directly`
    : `${who} ∈ ${path.groupChain.map(catalog.group).join(' ⊂ ')}`;
  const roles = path.roleChain.length ? ` through role ${path.roleChain.map(catalog.role).join(' → ')}` : '';
  const only = path.restriction ? ` (${path.restriction} only)` : '';
  return `${via} → ACL ${path.aclId} on ${catalog.describe(path.on.type, path.on.id)}${roles} grants ${permission}${only}`;
}

/** Why a check was denied, in a sentence. */
export function reasonSentence(reason, { principalId, permission, type, id, catalog }) {
  const context = {
    who: catalog.person(principalId).short,
    org: catalog.orgName,
    object: catalog.describe(type, id),
    permission,
  };
  return (REASONS[reason] ?? ((c) => `${c.permission} is not granted (${reason})`))(context);
}

/** The whole answer: a headline and one line per grant path (or nearest miss). */
export function explanationLines(explanation, query) {
  const { principalId, permission, type, id, catalog } = query;
  const who = catalog.person(principalId).short;
  const headline = `${explanation.allowed ? 'Yes' : 'No'}: ${who} ${explanation.allowed ? 'may' : 'may not'} ${permission} ${catalog.describe(type, id)}`;
  if (explanation.allowed) {
    return { headline, because: null, lines: explanation.paths.map((p) => pathSentence(p, query)) };
  }
  return {
    headline,
    because: reasonSentence(explanation.reason, query),
    lines: explanation.nearest.map((p) => `nearest: ${pathSentence(p, query)}, which does not reach ${catalog.describe(type, id)}`),
  };
}

/** A tooltip for a hidden-or-disabled button. */
export function denialTooltip(explanation, query) {
  const { headline, because, lines } = explanationLines(explanation, query);
  return [headline, because && `because ${because}`, ...lines].filter(Boolean).join('\n');
}

// Type-checked with `tsc -p tests/types` (strict): the package's .d.ts must accept correct use, give
// real types back, and reject a misspelled permission. Never run, only compiled.
import init, {
  initSync,
  Snapshot,
  Subject,
  type Capabilities,
  type Explanation,
  type GrantPath,
  type ObjectType,
  type Permission,
  type PermevalError,
  type SnapshotDocument,
  type Warning,
} from 'permeval';

export async function usage(text: string, bytes: Uint8Array, module: WebAssembly.Module): Promise<void> {
  await init();
  initSync({ module });

  const doc: SnapshotDocument = {
    org: { id: 'O', name: 'acme' },
    users: [{ id: 'U_BOB', email: 'bob@acme.io' }],
    groups: [{ id: 'G_ENG', org_id: 'O', name: 'Engineers', member_users: ['U_BOB'], member_groups: [] }],
    acls: [{ id: 'a10', object_type: 'org_project', object_id: 'O', group_id: 'G_ENG', permission: 'update' }],
  };
  const snap: Snapshot = new Snapshot(doc);
  const again: Snapshot = Snapshot.fromJson(text);
  const fast: Snapshot = Snapshot.fromJson(bytes);

  const warnings: Warning[] = snap.warnings;
  const firstCode: string | undefined = warnings[0]?.code;
  const allowed: boolean = snap.can('U_BOB', 'update', 'experiment', 'E1');
  const perms: Permission[] = again.effective('U_BOB', 'project', 'P1');
  const created: boolean = fast.canCreate('U_BOB', 'dataset', 'project', 'P1');
  const who: string[] = snap.whoCan('read', 'dataset', 'D1');
  const ids: string[] = snap.accessible('U_BOB', 'read', 'project');

  const why: Explanation = snap.explain('U_BOB', 'update', 'experiment', 'E1');
  if (why.allowed) {
    const paths: GrantPath[] = why.paths;
    const chain: string[] = paths[0]?.groupChain ?? [];
    void chain;
  } else {
    const reason: 'not_a_member' | 'object_deleted' | 'other_org' | 'object_unknown' | 'restricted_to_other_type' | 'no_grant' | 'not_creatable_here' =
      why.reason;
    void reason;
  }

  const caps: Capabilities = snap.capabilities('U_BOB');
  const canEditScorers: boolean = caps.projects[0]?.kinds.scorers.update ?? false;
  const invite: boolean = caps.organization.manageMembers;
  // @ts-expect-error: 'widgets' is not an object kind
  void caps.projects[0]?.kinds.widgets;

  const me: Subject = snap.subject('U_BOB');
  const masks: Uint8Array = me.effectiveBatch('experiment', ['E1', 'E2']);
  const mine: boolean = me.can('read', 'experiment', 'E1');
  const member: boolean = me.isMember;

  // A type Braintrust adds later is accepted at run time; in TypeScript it takes a cast.
  const later = snap.can('U_BOB', 'read', 'dashboard' as ObjectType, 'DB1');

  // @ts-expect-error: 'raed' is not a Permission
  snap.can('U_BOB', 'raed', 'experiment', 'E1');
  // @ts-expect-error: nor is 'owner'
  me.can('owner', 'experiment', 'E1');
  // @ts-expect-error: 'experiement' is not an ObjectType
  snap.effective('U_BOB', 'experiement', 'E1');
  // @ts-expect-error: a document needs an org
  new Snapshot({ users: [] });

  try {
    Snapshot.fromJson('{');
  } catch (e) {
    const err = e as PermevalError;
    const where: string = `${err.code} at ${err.path}`;
    void where;
  }

  void [canEditScorers, invite, firstCode, allowed, perms, created, who, ids, masks, mine, member, later];
  snap.free();
}

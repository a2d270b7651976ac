// Type-checked with `tsc -p tests/types` (strict): the package's .d.ts must accept correct use, give
// real types back, and reject a misspelled permission. Never run, only compiled.
import init, {
  initSync,
  Snapshot,
  SnapshotLoader,
  Subject,
  type AclBatch,
  type AclItem,
  type Capabilities,
  type Explanation,
  type GrantPath,
  type GroupPatch,
  type Limits,
  type LoadOptions,
  type ObjectType,
  type Permission,
  type PermevalError,
  type RolePatch,
  type SnapshotDocument,
  type UpsertSection,
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
    const reason: 'not_a_member' | 'object_deleted' | 'other_org' | 'object_unknown' | 'restricted_to_other_type' | 'no_grant' | 'not_creatable_here' | 'stale' =
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

  // Load options: limits, expiry, an injectable clock; signed snapshots with rotated keys.
  const limits: Limits = { documentBytes: 64 << 20, rowsPerArray: 100_000, idBytes: 256, groupDepth: 16, roleDepth: 16 };
  const options: LoadOptions = { limits, maxAgeSeconds: 300, clockSkewSeconds: 30, now: Date.now() };
  const bounded: Snapshot = Snapshot.fromJson(text, options);
  const fresh: boolean = !Snapshot.fromJson(bytes, { now: new Date() }).isStale();
  const signed: Snapshot = Snapshot.fromSignedJson(bytes, 'c2lnbmF0dXJl', ['a2V5MQ', bytes], { maxAgeSeconds: 60 });
  const oneKey: Snapshot = Snapshot.fromSignedJson(text, bytes, 'a2V5MQ');
  // @ts-expect-error: the option is maxAgeSeconds
  Snapshot.fromJson(text, { maxAge: 60 });
  // @ts-expect-error: limits are camelCase
  Snapshot.fromJson(text, { limits: { rows_per_array: 10 } });
  // @ts-expect-error: now is a number or a Date
  Snapshot.fromJson(text, { now: '2026-11-28T09:00:00Z' });
  // @ts-expect-error: the public keys are required
  Snapshot.fromSignedJson(text, 'c2lnbmF0dXJl');
  const stamped: SnapshotDocument = { org: { id: 'O' }, generated_at: '2026-11-28T09:00:00Z', expires_at: null };
  const fromObject: Snapshot = new Snapshot(stamped, { maxAgeSeconds: 300 });
  void fromObject;
  void [bounded, fresh, signed, oneKey, stamped];

  try {
    Snapshot.fromJson('{');
  } catch (e) {
    const err = e as PermevalError;
    const where: string = `${err.code} at ${err.path}`;
    const refused: boolean = err.code === 'bad_signature' || err.code === 'limit_exceeded' || err.code === 'stale';
    void refused;
    void where;
  }

  // Loading as the document arrives: a fetched body, any async iterable of bytes, or pieces pushed by hand.
  const streamed: Snapshot = await Snapshot.fromStream((await fetch('/snapshot.json')).body!, { maxAgeSeconds: 60 });
  async function* pieces(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  const iterated: Promise<Snapshot> = Snapshot.fromStream(pieces());
  const loader = new SnapshotLoader({ limits: { documentBytes: 1 << 20 } });
  loader.push(bytes);
  const pushed: Snapshot = loader.finish();
  loader.free();
  // @ts-expect-error: a string is not a stream of bytes
  void Snapshot.fromStream(text);
  // @ts-expect-error: pieces are bytes, not text
  loader.push(text);
  const readFailed = (e: PermevalError): boolean => e.code === 'stream_error' || e.code === 'finished';
  void [streamed, iterated, pushed, readFailed];

  // Live snapshots: Braintrust's write shapes, typed.
  const batch: AclBatch = {
    add_acls: [{ object_type: 'project', object_id: 'P1', group_id: 'G_DS', permission: 'read' }],
    remove_acls: [{ object_type: 'project', object_id: 'P1', user_id: 'U_BOB', role_id: 'R_DS' }],
  };
  snap.applyAclBatch(batch);
  snap.patchGroup('G_DS', { add_member_users: ['U_BOB'], name: 'data-sci' } satisfies GroupPatch);
  snap.patchRole('R_DS', { add_member_permissions: [{ permission: 'delete', restrict_object_type: 'dataset' }] } satisfies RolePatch);
  const section: UpsertSection = 'objects';
  snap.upsert(section, [{ type: 'experiment', id: 'E9', project_id: 'P1' }]);
  snap.upsert('users', [{ id: 'U_BOB', deleted_at: '2026-11-28T10:00:00Z' }]);
  const version: number = snap.version;
  const written: string = snap.toJson();
  const forCarol: string = snap.projectFor('U_CAROL');
  const stop: () => void = snap.subscribe(() => void snap.version);
  stop();
  // @ts-expect-error: a misspelt permission in an added ACL
  snap.applyAclBatch({ add_acls: [{ object_type: 'project', object_id: 'P1', user_id: 'U', permission: 'raed' }] });
  // @ts-expect-error: no such section
  snap.upsert('tables', []);
  const item: AclItem = { object_type: 'org_project', object_id: 'O', user_id: 'U_BOB', permission: 'read' };
  const rejected = (e: PermevalError): boolean => e.code === 'unknown_group' || e.code === 'busy';
  void [version, written, forCarol, item, rejected];

  void [canEditScorers, invite, firstCode, allowed, perms, created, who, ids, masks, mine, member, later];
  snap.free();
}

//! The TypeScript types of the JS API, appended to the generated `.d.ts`.
//!
//! Written by hand because they describe JS values the bindings build and accept, not Rust types; the
//! type-check test (`tests/types/usage.ts`, run with `tsc --strict`) keeps them honest, including a
//! misspelled permission that must not compile.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** The eight permissions of Braintrust's ACL API, in canonical order. */
export type Permission =
  | "create" | "read" | "update" | "delete"
  | "create_acls" | "read_acls" | "update_acls" | "delete_acls";

/** The object types of Braintrust's ACL model. A type added later is still accepted at run time (cast it):
 *  grants then reach only that exact object. */
export type ObjectType =
  | "organization" | "org_project" | "project_group" | "project"
  | "experiment" | "dataset" | "prompt" | "prompt_session" | "project_log"
  | "group" | "role" | "org_member" | "org_audit_logs" | "org_ai_secret" | "ai_secret";

/** An object-type name as it may appear in a document: a known type, or one added to Braintrust later. */
export type ObjectTypeName = ObjectType | (string & {});

/** A row skipped (or kept with a caveat) while loading. */
export interface Warning {
  /** A stable code, e.g. "unknown_role". */
  code: WarningCode;
  message: string;
  /** A JSON path such as "acls[17].role_id". */
  path: string;
}

export type WarningCode =
  | "null_section" | "not_an_object" | "wrong_type" | "missing_field" | "duplicate_key"
  | "invalid_acl_principal" | "invalid_acl_grant" | "unknown_permission" | "unknown_object_type"
  | "unknown_principal" | "unknown_group" | "unknown_role" | "unknown_project" | "foreign_org"
  | "duplicate_id" | "duplicate_acl";

/** The codes a thrown `PermevalError` carries. */
export type ErrorCode =
  | "invalid_json" | "nesting_too_deep" | "wrong_type" | "duplicate_key" | "missing_org_id"
  | "limit_exceeded" | "invalid_timestamp" | "clock_skew" | "stale" | "bad_signature" | "bad_public_key"
  | "invalid_option" | "invalid_string" | "unknown_permission" | "busy"
  /** A `SnapshotLoader` called again after `finish` gave its snapshot. */
  | "finished"
  /** `Snapshot.fromStream`: reading the source failed (the error it threw is the `cause`). */
  | "stream_error"
  /** A refused delta carries the code of the warning its row would get at load, e.g. "unknown_group". */
  | WarningCode;

/** Bounds on a snapshot document; exceeding one throws `limit_exceeded` naming the limit. Each defaults to
 *  a value that takes the largest benchmark org (1M ACL rows, 374 MB) with room to spare. */
export interface Limits {
  /** The most bytes of JSON text (default 512 MiB). */
  documentBytes?: number;
  /** The most elements in any array permeval reads: a section's rows or a membership list (default 4,194,304). */
  rowsPerArray?: number;
  /** The most bytes in any string permeval reads: ids, names of types and permissions, timestamps (default 1024). */
  idBytes?: number;
  /** The most levels of `member_groups` above any group (default 64). */
  groupDepth?: number;
  /** The most levels of `member_roles` below any role (default 64). */
  roleDepth?: number;
  /** The most warnings a load may record (default 100,000); a document with more is refused. */
  warnings?: number;
}

/** How to load a snapshot. A misspelled or mistyped option throws `invalid_option`. */
export interface LoadOptions {
  limits?: Limits;
  /** Stale once the clock passes the document's `generated_at` plus this many seconds; the document must
   *  then carry `generated_at`. Without it, only the document's own `expires_at` ends its life. */
  maxAgeSeconds?: number;
  /** How far the clock may read before `generated_at` and still count the snapshot fresh (default 60). */
  clockSkewSeconds?: number;
  /** A fixed "now" for tests: milliseconds since the epoch or a `Date`. By default the real clock
   *  (`Date.now()`) is read, once per check, and only for a snapshot that can expire. */
  now?: number | Date;
}

/** What every method throws on bad input: an `Error` named "PermevalError". */
export interface PermevalError extends Error {
  name: "PermevalError";
  code: ErrorCode;
  /** Where: a JSON path in the document ("" for the whole document), or the argument's name. */
  path: string;
  line?: number;
  column?: number;
}

export interface Principal {
  id: string;
  kind: "user" | "service_account";
}

export type DenialReason =
  | "not_a_member" | "object_deleted" | "other_org" | "object_unknown"
  | "restricted_to_other_type" | "no_grant" | "not_creatable_here" | "stale";

/** One ACL row that grants (or would grant) the permission, and how it reaches the principal. */
export interface GrantPath {
  aclId: string;
  /** The object the ACL sits on: the queried object or one of its ancestors. */
  on: { type: ObjectTypeName; id: string };
  holder: { kind: "user" | "group"; id: string };
  /** Group ids from one the principal is directly in up to the holder; empty for direct grants. */
  groupChain: string[];
  /** Role ids from the ACL's role down to the one that lists the permission. */
  roleChain: string[];
  restriction: ObjectTypeName | null;
}

export type Explanation =
  | { allowed: true; permission: Permission; paths: GrantPath[] }
  | { allowed: false; permission: Permission; reason: DenialReason; nearest: GrantPath[] };

/** Read, Create, Update, Delete and Manage access, as the permission-group editor shows them. */
export interface Access { read: boolean; create: boolean; update: boolean; delete: boolean; manageAccess: boolean }

/** The kinds of object the editor lists per project; functions, scorers and classifiers are checked as prompts. */
export type ObjectKind =
  | "experiments" | "datasets" | "logs" | "prompts" | "playgrounds" | "functions" | "scorers" | "classifiers";

/** The checkboxes of Braintrust's permission-group editor, filled in from effective permissions. */
export interface Capabilities {
  organization: {
    manageSettings: boolean; manageMembers: boolean; removeMembers: boolean; manageAccess: boolean;
    readAuditLogs: boolean;
  };
  /** What the principal holds on every project. */
  allProjects: Access;
  /** Each live project, in snapshot order. */
  projects: { id: string; access: Access; kinds: Record<ObjectKind, Access> }[];
}

/** The snapshot document: rows as Braintrust's API returns them (unknown fields are ignored). */
export interface SnapshotDocument {
  org: OrgRow;
  /** When the origin made the snapshot (RFC 3339, e.g. "2026-11-28T09:00:00Z"); `maxAgeSeconds` counts from it. */
  generated_at?: string | null;
  /** After this instant (RFC 3339) every check answers false and `explain` says "stale". */
  expires_at?: string | null;
  users?: UserRow[] | null;
  service_accounts?: ServiceAccountRow[] | null;
  groups?: GroupRow[] | null;
  roles?: RoleRow[] | null;
  projects?: ProjectRow[] | null;
  project_groups?: ProjectGroupRow[] | null;
  objects?: ObjectRow[] | null;
  acls?: AclRow[] | null;
}

export interface OrgRow { id: string; name?: string; [field: string]: unknown }
export interface UserRow {
  id: string; given_name?: string | null; family_name?: string | null; email?: string | null;
  avatar_url?: string | null; created?: string | null;
  /** Set: the user is no longer a member (denied everything; references to it stay valid). */
  deleted_at?: string | null; [field: string]: unknown;
}
export interface ServiceAccountRow { id: string; name?: string | null; deleted_at?: string | null; [field: string]: unknown }
export interface GroupRow {
  id: string; org_id?: string | null; name: string; description?: string | null; user_id?: string | null;
  created?: string | null; deleted_at?: string | null;
  member_users?: string[] | null; member_groups?: string[] | null; [field: string]: unknown;
}
export interface RolePermission { permission: Permission; restrict_object_type?: ObjectTypeName | null }
export interface RoleRow {
  id: string; org_id?: string | null; name: string; description?: string | null; user_id?: string | null;
  created?: string | null; deleted_at?: string | null;
  member_permissions?: RolePermission[] | null; member_roles?: string[] | null; [field: string]: unknown;
}
export interface ProjectRow {
  id: string; org_id: string; name: string; description?: string | null; created?: string | null;
  deleted_at?: string | null; user_id?: string | null; [field: string]: unknown;
}
export interface ProjectGroupRow {
  id: string; org_id: string; name: string; member_projects: string[]; description?: string | null;
  created?: string | null; deleted_at?: string | null; user_id?: string | null; [field: string]: unknown;
}
export interface ObjectRow {
  type: "experiment" | "dataset" | "prompt" | "prompt_session" | "ai_secret" | (string & {});
  id: string; project_id?: string | null; name?: string | null; deleted_at?: string | null;
  [field: string]: unknown;
}
export interface AclRow {
  id: string; object_type: ObjectTypeName; object_id: string; _object_org_id?: string;
  user_id?: string | null; group_id?: string | null;
  permission?: Permission | null; role_id?: string | null;
  restrict_object_type?: ObjectTypeName | null; created?: string | null; [field: string]: unknown;
}

/** An ACL as `POST /v1/acl/batch_update` takes it. Without `id`, an added ACL gets
 *  "delta:<object_type>/<object_id>/<user:…|group:…>/<permission|role:…>[/<restrict_object_type>]". */
export interface AclItem {
  id?: string; object_type: ObjectTypeName; object_id: string; _object_org_id?: string;
  user_id?: string | null; group_id?: string | null;
  permission?: Permission | null; role_id?: string | null;
  restrict_object_type?: ObjectTypeName | null; [field: string]: unknown;
}
/** The body of `POST /v1/acl/batch_update`: adds first, then removes; identity is the spec §3.1 tuple. */
export interface AclBatch { add_acls?: AclItem[] | null; remove_acls?: AclItem[] | null }
/** The body of `PATCH /v1/group/{id}` (other fields such as `name` are accepted and ignored). */
export interface GroupPatch {
  add_member_users?: string[] | null; remove_member_users?: string[] | null;
  add_member_groups?: string[] | null; remove_member_groups?: string[] | null; [field: string]: unknown;
}
/** The body of `PATCH /v1/role/{id}`. */
export interface RolePatch {
  add_member_permissions?: RolePermission[] | null; remove_member_permissions?: RolePermission[] | null;
  add_member_roles?: string[] | null; remove_member_roles?: string[] | null; [field: string]: unknown;
}
/** The sections `upsert` takes rows for. */
export type UpsertSection =
  | "users" | "service_accounts" | "groups" | "roles" | "projects" | "project_groups" | "objects";
"#;

// The package's types: the classes and data types generated from the Rust bindings, and init/initSync
// declared without wasm-bindgen's `InitOutput` (the raw wasm exports, typed with `any`, which no caller
// should touch).
export { Snapshot, SnapshotLoader, Subject } from './web/permeval.js';
export type {
  Access,
  AclBatch,
  AclItem,
  AclRow,
  Capabilities,
  DenialReason,
  ErrorCode,
  Explanation,
  GrantPath,
  GroupPatch,
  GroupRow,
  Limits,
  LoadOptions,
  ObjectKind,
  ObjectRow,
  ObjectType,
  ObjectTypeName,
  OrgRow,
  Permission,
  PermevalError,
  Principal,
  ProjectGroupRow,
  ProjectRow,
  RolePatch,
  RolePermission,
  RoleRow,
  ServiceAccountRow,
  SnapshotDocument,
  UpsertSection,
  UserRow,
  Warning,
  WarningCode,
} from './web/permeval.js';

declare module './web/permeval.js' {
  interface Snapshot {
    /** Calls `listener` after every successful delta on this snapshot; returns the function that stops it
     *  (the shape React's `useSyncExternalStore` takes). */
    subscribe(listener: () => void): () => void;
  }
  namespace Snapshot {
    /** Loads a snapshot document as it arrives, from a fetched body (`(await fetch(url)).body`) or any
     *  async iterable of `Uint8Array`s (a Node stream), without holding the whole text in wasm memory. It
     *  gives what `fromJson` gives for the same text, and rejects as `fromJson` throws; a bad document
     *  cancels the source. A source that fails to read rejects with the code `"stream_error"`. */
    function fromStream(
      source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
      options?: LoadOptions,
    ): Promise<Snapshot>;
  }
}

/** Where the `.wasm` comes from when `init` is given something: a URL, a response, bytes or a module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** Instantiates the module asynchronously; by default it fetches `permeval_bg.wasm` next to the glue.
 *  Safe to call more than once. In Node the package is ready at import and this does nothing more. */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Instantiates the module synchronously from bytes or a compiled module (workerd: `initSync({ module })`).
 *  Safe to call more than once. */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): unknown;

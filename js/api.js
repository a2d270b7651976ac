// The package's `Snapshot`, `Subject` and `SnapshotLoader`: wasm-bindgen's classes, plus a cache of the
// numbers that ids stand for in a snapshot, and `Snapshot.fromStream`, which feeds a loader from a stream.
//
// Why: a check that hands four strings to wasm spends most of its time copying them into linear memory and
// hashing them again there (BENCHMARKS.md, "Why the misses"). So the first time an id is asked about,
// its number is looked up through the string path and kept in a Map on this side; later checks on it pass
// integers. Only ids the snapshot knows are cached, so a cache never outgrows its snapshot whatever a caller
// asks. Everything else (ids the snapshot does not know, non-strings, misspelt permissions) takes the string
// path, where the wasm layer checks and answers: every rule and every error has one implementation.
//
// This file is shared by the ES module entry points and, converted by scripts/build-pkg.sh, the CommonJS
// one; it imports nothing so that both can hand it their own copy of the glue.

export function bind(raw) {
  const token = Symbol('permeval.internal');
  // Permission name → its bit in an effective-permissions byte, and bit → name (filled at first load,
  // when the module is instantiated).
  let masks;
  let names;

  function readPermissionBits() {
    if (masks === undefined) {
      names = raw.Snapshot.permissionNames();
      masks = new Map(names.map((name, bit) => [name, 1 << bit]));
    }
  }

  function pick(ids, positions) {
    const out = new Array(positions.length);
    for (let i = 0; i < positions.length; i++) out[i] = ids[positions[i]];
    return out;
  }

  function namesOf(byte) {
    return names.filter((_, bit) => (byte >> bit) & 1);
  }

  // The numbers of one snapshot's ids, shared by the snapshot and its subjects. `source` is whichever
  // wasm object is asking (a subject outlives `snapshot.free()`, so it looks ids up through itself).
  class Numbers {
    principals = new Map();
    nodes = new Map(); // object type → Map(id → node)
    listedIds = new Map(); // object type → string[]

    principal(source, id) {
      let number = this.principals.get(id);
      if (number === undefined) {
        if (typeof id !== 'string') return -1;
        number = source.principalNumber(id);
        if (number >= 0) this.principals.set(id, number);
      }
      return number;
    }

    // The listed ids of a type, fetched once: `accessible` answers as positions in this list. Only types
    // with listed objects are kept (a bounded set), and callers only ever get copies.
    listed(source, type) {
      let ids = this.listedIds.get(type);
      if (ids === undefined) {
        ids = source.listedIds(type);
        if (ids.length > 0) this.listedIds.set(type, ids);
      }
      return ids;
    }

    node(source, type, id) {
      const byId = this.nodes.get(type);
      let node = byId?.get(id);
      if (node === undefined) {
        if (typeof type !== 'string' || typeof id !== 'string') return -1;
        node = source.objectNode(type, id);
        if (node < 0) return node;
        if (byId === undefined) this.nodes.set(type, new Map([[id, node]]));
        else byId.set(id, node);
      }
      return node;
    }
  }

  class Snapshot {
    #raw;
    #numbers = new Numbers();
    #listeners = new Set();

    // `new Snapshot(document, options)`; the static loaders pass the token and a loaded wasm snapshot.
    constructor(document, options) {
      this.#raw = document === token ? options : new raw.Snapshot(document, options);
      readPermissionBits();
    }

    static fromJson(input, options) {
      return new Snapshot(token, raw.Snapshot.fromJson(input, options));
    }

    static fromSignedJson(text, signature, publicKeys, options) {
      return new Snapshot(token, raw.Snapshot.fromSignedJson(text, signature, publicKeys, options));
    }

    // A document read as it arrives, from a `ReadableStream` (a fetched body) or an async iterable of
    // `Uint8Array`s (a Node stream): the whole text never sits in wasm memory. A bad document cancels the
    // source, so a fetch stops downloading what would only be thrown away.
    static async fromStream(source, options) {
      const pieces = piecesOf(source);
      let loader;
      try {
        loader = new SnapshotLoader(options);
      } catch (e) {
        pieces.stop(e);
        throw e;
      }
      for (;;) {
        let next;
        try {
          next = await pieces.next();
        } catch (e) {
          loader.free();
          throw permevalError('stream_error', `reading the stream failed: ${e?.message ?? e}`, 'source', e);
        }
        if (next.done) break;
        try {
          loader.push(next.value);
        } catch (e) {
          loader.free();
          pieces.stop(e);
          throw e;
        }
      }
      try {
        return loader.finish();
      } finally {
        loader.free();
      }
    }

    isStale() {
      return this.#raw.isStale();
    }

    get warnings() {
      return this.#raw.warnings;
    }
    get orgId() {
      return this.#raw.orgId;
    }
    principals() {
      return this.#raw.principals();
    }
    capabilities(principalId) {
      return this.#raw.capabilities(principalId);
    }
    subject(principalId) {
      return new Subject(token, this.#raw.subject(principalId), this.#numbers);
    }

    can(principalId, permission, objectType, objectId) {
      const mask = masks.get(permission);
      if (mask !== undefined) {
        const p = this.#numbers.principal(this.#raw, principalId);
        if (p >= 0) {
          const node = this.#numbers.node(this.#raw, objectType, objectId);
          if (node >= 0) return (this.#raw.effectiveOfNode(p, node) & mask) !== 0;
        }
      }
      return this.#raw.can(principalId, permission, objectType, objectId);
    }

    effective(principalId, objectType, objectId) {
      const p = this.#numbers.principal(this.#raw, principalId);
      if (p >= 0) {
        const node = this.#numbers.node(this.#raw, objectType, objectId);
        if (node >= 0) return namesOf(this.#raw.effectiveOfNode(p, node));
      }
      return this.#raw.effective(principalId, objectType, objectId);
    }

    canCreate(principalId, childType, parentType, parentId) {
      return this.#raw.canCreate(principalId, childType, parentType, parentId);
    }
    explain(principalId, permission, objectType, objectId) {
      return this.#raw.explain(principalId, permission, objectType, objectId);
    }
    explainCreate(principalId, childType, parentType, parentId) {
      return this.#raw.explainCreate(principalId, childType, parentType, parentId);
    }
    whoCan(permission, objectType, objectId) {
      return this.#raw.whoCan(permission, objectType, objectId);
    }
    accessible(principalId, permission, objectType) {
      const positions = this.#raw.accessiblePositions(principalId, permission, objectType);
      return positions.length === 0 ? [] : pick(this.#numbers.listed(this.#raw, objectType), positions);
    }
    listedIds(objectType) {
      return this.#numbers.listed(this.#raw, objectType).slice();
    }

    // Deltas. Numbers are only ever appended, so the cached ones stay right; the listed ids of a type can
    // change, so they are fetched again after any delta.
    get version() {
      return this.#raw.version;
    }
    applyAclBatch(body) {
      this.#changed(this.#raw.applyAclBatch(body));
    }
    patchGroup(groupId, body) {
      this.#changed(this.#raw.patchGroup(groupId, body));
    }
    patchRole(roleId, body) {
      this.#changed(this.#raw.patchRole(roleId, body));
    }
    upsert(section, rows) {
      this.#changed(this.#raw.upsert(section, rows));
    }
    #changed() {
      this.#numbers.listedIds.clear();
      for (const listener of [...this.#listeners]) listener();
    }
    // Calls `listener` after every successful delta; returns the function that stops it. The shape of a
    // store's subscribe, so React's useSyncExternalStore can take it as it is.
    subscribe = (listener) => {
      if (typeof listener !== 'function') throw new TypeError('permeval: subscribe(listener) takes a function');
      this.#listeners.add(listener);
      return () => this.#listeners.delete(listener);
    };
    toJson() {
      return this.#raw.toJson();
    }
    projectFor(principalId) {
      return this.#raw.projectFor(principalId);
    }

    free() {
      this.#raw.free();
    }
  }

  class Subject {
    #raw;
    #numbers;

    constructor(internal, subject, numbers) {
      if (internal !== token) throw new TypeError('permeval: get a Subject from snapshot.subject(principalId)');
      this.#raw = subject;
      this.#numbers = numbers;
    }

    get principalId() {
      return this.#raw.principalId;
    }
    get isMember() {
      return this.#raw.isMember;
    }

    can(permission, objectType, objectId) {
      const mask = masks.get(permission);
      if (mask !== undefined) {
        const node = this.#numbers.node(this.#raw, objectType, objectId);
        if (node >= 0) return (this.#raw.effectiveOfNode(node) & mask) !== 0;
      }
      return this.#raw.can(permission, objectType, objectId);
    }

    effective(objectType, objectId) {
      const node = this.#numbers.node(this.#raw, objectType, objectId);
      if (node >= 0) return namesOf(this.#raw.effectiveOfNode(node));
      return this.#raw.effective(objectType, objectId);
    }

    effectiveBatch(objectType, objectIds) {
      if (!Array.isArray(objectIds)) return this.#raw.effectiveBatch(objectType, objectIds);
      const raw = this.#raw;
      const numbers = this.#numbers;
      const nodes = new Int32Array(objectIds.length);
      const missed = [];
      // The type's map is looked up once per call, not once per id: a 100k-id batch is one tight loop of
      // Map reads, and only ids not seen before take the slower path.
      let byId = numbers.nodes.get(objectType);
      for (let i = 0; i < objectIds.length; i++) {
        const id = objectIds[i];
        let node = byId?.get(id);
        if (node === undefined) {
          // A bad entry (not a string, a lone surrogate): the string path throws, naming the entry.
          if (typeof id !== 'string') return raw.effectiveBatch(objectType, objectIds);
          try {
            node = numbers.node(raw, objectType, id);
          } catch {
            return raw.effectiveBatch(objectType, objectIds);
          }
          byId ??= numbers.nodes.get(objectType);
        }
        nodes[i] = node;
        if (node < 0) missed.push(i);
      }
      const out = this.#raw.effectiveOfNodes(nodes);
      if (missed.length > 0) {
        const answers = this.#raw.effectiveBatch(objectType, missed.map((i) => objectIds[i]));
        missed.forEach((i, k) => {
          out[i] = answers[k];
        });
      }
      return out;
    }

    canCreate(childType, parentType, parentId) {
      return this.#raw.canCreate(childType, parentType, parentId);
    }
    accessible(permission, objectType) {
      const positions = this.#raw.accessiblePositions(permission, objectType);
      return positions.length === 0 ? [] : pick(this.#numbers.listed(this.#raw, objectType), positions);
    }
    explain(permission, objectType, objectId) {
      return this.#raw.explain(permission, objectType, objectId);
    }
    explainCreate(childType, parentType, parentId) {
      return this.#raw.explainCreate(childType, parentType, parentId);
    }
    capabilities() {
      return this.#raw.capabilities();
    }

    free() {
      this.#raw.free();
    }
  }

  // A document given in pieces as they arrive (from a WebSocket, say): `push` each `Uint8Array`, then
  // `finish` for the snapshot. `Snapshot.fromStream` is this, fed from a stream.
  class SnapshotLoader {
    #raw;

    constructor(options) {
      this.#raw = new raw.SnapshotLoader(options);
    }

    push(piece) {
      this.#raw.push(piece);
    }
    finish() {
      return new Snapshot(token, this.#raw.finish());
    }
    free() {
      this.#raw.free();
    }
  }

  // `using snapshot = …` where the runtime has explicit resource management, as wasm-bindgen's classes do.
  if (Symbol.dispose) {
    Snapshot.prototype[Symbol.dispose] = Snapshot.prototype.free;
    Subject.prototype[Symbol.dispose] = Subject.prototype.free;
    SnapshotLoader.prototype[Symbol.dispose] = SnapshotLoader.prototype.free;
  }

  return { Snapshot, Subject, SnapshotLoader };
}

// The pieces of a `ReadableStream` (by its reader, which browsers, Node and workerd all have; async
// iteration of web streams is newer) or of an async iterable: `next()` as an iterator's, and `stop(reason)`,
// which cancels the source without waiting for it. Anything else throws `wrong_type` at once.
function piecesOf(source) {
  if (typeof source?.getReader === 'function') {
    let reader;
    return {
      next() {
        reader ??= source.getReader();
        return reader.read();
      },
      stop(reason) {
        (reader ?? source).cancel(reason).catch(() => {});
      },
    };
  }
  if (typeof source?.[Symbol.asyncIterator] === 'function') {
    let iterator;
    return {
      next() {
        iterator ??= source[Symbol.asyncIterator]();
        return iterator.next();
      },
      stop() {
        iterator ??= source[Symbol.asyncIterator]();
        Promise.resolve(iterator.return?.()).catch(() => {});
      },
    };
  }
  const found = source === null ? 'null' : typeof source;
  const message = `the source must be a ReadableStream or an async iterable of Uint8Array, found ${found}`;
  throw permevalError('wrong_type', message, 'source');
}

// An error shaped as the wasm layer's (src/wasm/convert.rs), for the failures only the JS side sees.
function permevalError(code, message, path, cause) {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = 'PermevalError';
  e.code = code;
  e.path = path;
  return e;
}

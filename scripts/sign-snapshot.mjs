#!/usr/bin/env node
// Signs snapshot documents on the origin side, for `Snapshot.fromSignedJson` and the edge worker's
// PUBLIC_KEYS binding. Ed25519 through node:crypto: no dependency.
//
//   node scripts/sign-snapshot.mjs keygen PRIVATE.pem      writes a new private key (PKCS#8 PEM, mode 0600)
//                                                          and prints its public key
//   node scripts/sign-snapshot.mjs public-key PRIVATE.pem  prints the public key of a private key
//   node scripts/sign-snapshot.mjs sign PRIVATE.pem SNAPSHOT.json [SIGNATURE_FILE]
//                                                          prints the signature of the file's exact bytes,
//                                                          and writes it to SIGNATURE_FILE when given
//
// Public keys and signatures are printed as unpadded URL-safe base64 (32 and 64 bytes), which permeval
// reads as they are, and which fit in an HTTP header. The signature covers the file's bytes exactly as
// served: sign after the last byte is written, and serve those bytes unchanged.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const usage = 'usage: sign-snapshot.mjs keygen PRIVATE.pem | public-key PRIVATE.pem | sign PRIVATE.pem SNAPSHOT.json [SIGNATURE_FILE]';

/** The raw 32-byte public key of a private key, as unpadded base64url: the `x` of its JWK form. */
export function publicKeyText(privateKey) {
  return createPublicKey(privateKey).export({ format: 'jwk' }).x;
}

function loadPrivateKey(path) {
  const key = createPrivateKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path} is a ${key.asymmetricKeyType} key, not ed25519`);
  return key;
}

/** Signs `bytes`; the signature as unpadded base64url. */
export function signBytes(privateKey, bytes) {
  return sign(null, bytes, privateKey).toString('base64url');
}

function main([command, ...args]) {
  switch (command) {
    case 'keygen': {
      const [out] = args;
      if (!out) throw new Error(usage);
      const { privateKey } = generateKeyPairSync('ed25519');
      writeFileSync(out, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      console.log(publicKeyText(privateKey));
      return;
    }
    case 'public-key': {
      const [keyPath] = args;
      if (!keyPath) throw new Error(usage);
      console.log(publicKeyText(loadPrivateKey(keyPath)));
      return;
    }
    case 'sign': {
      const [keyPath, snapshotPath, out] = args;
      if (!keyPath || !snapshotPath) throw new Error(usage);
      const signature = signBytes(loadPrivateKey(keyPath), readFileSync(snapshotPath));
      if (out) writeFileSync(out, `${signature}\n`);
      console.log(signature);
      return;
    }
    default:
      throw new Error(usage);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

// The embedded example org, as text: Snapshot.fromJson reads text faster than an object.
import acmeText from '../../snapshots/acme.json?raw';

export const EMBEDDED = { text: acmeText, source: 'acme.json (embedded)' };

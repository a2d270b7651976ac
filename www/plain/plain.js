// The plain page's script: load the example snapshot, fill the principal picker, and let permeval/dom
// hide (or disable) every button the chosen principal may not use.
import init, { Snapshot } from 'permeval';
import { applyPermissions } from 'permeval/dom';

await init();
const text = await (await fetch('/snapshots/acme.json')).text();
const snapshot = Snapshot.fromJson(text);
const doc = JSON.parse(text);

const picker = document.getElementById('principal');
const disable = document.getElementById('disable');
const names = new Map([
  ...(doc.users ?? []).map((u) => [u.id, [u.given_name, u.family_name].filter(Boolean).join(' ') || u.email || u.id]),
  ...(doc.service_accounts ?? []).map((s) => [s.id, s.name || s.id]),
]);
for (const { id } of snapshot.principals()) picker.add(new Option(names.get(id) ?? id, id));
picker.value = new URLSearchParams(location.search).get('as') ?? 'U_DAVE';

function render() {
  applyPermissions(document.getElementById('actions'), snapshot.subject(picker.value), {
    mode: disable.checked ? 'disable' : 'hide',
  });
  document.body.dataset.appliedFor = picker.value; // lets a test wait for the answer
}
picker.addEventListener('change', render);
disable.addEventListener('change', render);
render();

// "Create experiment": may the principal create a child of this type directly under the project?
// (spec §4.3 j: a check on the parent, with the child's type deciding which restricted grants apply).
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { useSelection } from '../hooks/useSelection.js';
import { DeniedButton } from './DeniedButton.jsx';

export function CreateButton({ childType, label, project, mode }) {
  const { subject, principal } = usePermeval();
  const { select } = useSelection();
  const catalog = useCatalog();
  const allowed = subject.canCreate(childType, 'project', project.id);
  if (allowed) {
    return (
      <button type="button" data-action={label} onClick={() => select({ principal, create: childType, type: 'project', id: project.id })}>
        {label}
      </button>
    );
  }
  if (mode !== 'disable') return null;
  const who = catalog.person(principal).short;
  const tooltip = project.deleted
    ? `No: ${who} may not create a ${childType} in project ${project.name}\nbecause the project is deleted`
    : `No: ${who} may not create a ${childType} in project ${project.name}\nbecause no grant of create that covers ${childType}s reaches it`;
  return <DeniedButton label={label} tooltip={tooltip} />;
}

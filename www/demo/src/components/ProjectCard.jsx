// One project: its own buttons, then its experiments, datasets, prompts, playgrounds and logs.
import { useCan, usePermeval } from 'permeval/react';

import { ActionButton } from './ActionButton.jsx';
import { CreateButton } from './CreateButton.jsx';
import { ManageAccessButton } from './ManageAccessButton.jsx';
import { ObjectItem } from './ObjectItem.jsx';

export function ProjectCard({ project, mode }) {
  const { subject } = usePermeval();
  const canRead = useCan('read', 'project', project.id);
  const items = [...project.children, project.log];
  const seesSomething = canRead || items.some((o) => subject.can('read', o.type, o.id));
  if (!seesSomething && mode === 'hide') return null;

  const on = { type: 'project', id: project.id };
  return (
    <article className={`project${seesSomething ? '' : ' denied'}`} data-testid={`project-${project.id}`}>
      <header>
        <h3>
          {project.name}
          {project.deleted && <span className="tag deleted">deleted</span>}
          {project.inGroups.map((g) => <span key={g} className="tag">{g}</span>)}
        </h3>
        {!canRead && <span className="muted small">{seesSomething ? 'only some of its contents are visible' : 'no access'}</span>}
        <div className="actions">
          <CreateButton childType="experiment" label="Create experiment" project={project} mode={mode} />
          <ActionButton label="Edit" permission="update" on={on} mode={mode} />
          <ActionButton label="Delete" permission="delete" on={on} mode={mode} danger />
          <ManageAccessButton on={on} mode={mode} />
          <ActionButton label="View logs" permission="read" on={{ type: 'project_log', id: project.id }} mode={mode} />
        </div>
      </header>
      <ul className="objects">
        {items.map((item) => <ObjectItem key={item.key} item={item} mode={mode} />)}
      </ul>
    </article>
  );
}

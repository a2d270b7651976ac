// The product's own words: Braintrust's permission-group editor, its checkboxes filled in for the chosen
// principal by snap.capabilities() (the mapping of spec §2.3 lives in the package).
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { AccessCells, ACCESS_COLUMNS } from './AccessCells.jsx';
import { Check } from './Check.jsx';

const ORG_BOXES = [
  ['manageSettings', 'Manage settings'],
  ['manageMembers', 'Manage members'],
  ['removeMembers', 'Remove members'],
  ['manageAccess', 'Manage access'],
  ['readAuditLogs', 'Read audit logs'],
];

const KIND_NAMES = {
  experiments: 'Experiments', datasets: 'Datasets', logs: 'Logs', prompts: 'Prompts', playgrounds: 'Playgrounds',
  functions: 'Functions', scorers: 'Scorers', classifiers: 'Classifiers',
};

export function CapabilitiesPanel() {
  const { subject, principal } = usePermeval();
  const catalog = useCatalog();
  const caps = subject.capabilities();
  return (
    <section className="panel caps" data-testid="capabilities">
      <h2>In the product's words: {catalog.person(principal).name}</h2>
      <h3>Organization</h3>
      <ul className="org-boxes">
        {ORG_BOXES.map(([key, label]) => <li key={key}><Check on={caps.organization[key]} /> {label}</li>)}
      </ul>
      <table className="access">
        <thead>
          <tr><th />{ACCESS_COLUMNS.map(([, label]) => <th key={label}>{label}</th>)}</tr>
        </thead>
        <tbody>
          <tr className="all-projects"><th>All projects</th><AccessCells access={caps.allProjects} /></tr>
          {caps.projects.map((project) => [
            <tr key={project.id} className="project-row">
              <th>Project {catalog.nameOf('project', project.id)}</th>
              <AccessCells access={project.access} />
            </tr>,
            ...Object.entries(project.kinds).map(([kind, access]) => (
              <tr key={`${project.id}:${kind}`} className="kind-row">
                <th>{KIND_NAMES[kind] ?? kind}</th>
                <AccessCells access={access} />
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </section>
  );
}

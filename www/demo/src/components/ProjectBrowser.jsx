// Projects and what is in them, as the principal would see them in the product.
import { useCatalog } from '../hooks/useCatalog.js';
import { ProjectCard } from './ProjectCard.jsx';

export function ProjectBrowser({ mode }) {
  const { projects } = useCatalog();
  return (
    <section className="panel browser" data-testid="browser">
      <h2>Projects</h2>
      <p className="hint">
        {mode === 'hide'
          ? 'Buttons and rows the principal may not use are hidden.'
          : 'Denied buttons and rows are shown disabled; hover for the reason.'}
      </p>
      {projects.length === 0 && <p className="muted">This snapshot has no projects.</p>}
      {projects.map((project) => <ProjectCard key={project.key} project={project} mode={mode} />)}
    </section>
  );
}

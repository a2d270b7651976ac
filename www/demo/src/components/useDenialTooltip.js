// The tooltip of a denied button: permeval's explanation of the denial as sentences (null when no check).
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { denialTooltip } from '../lib/explainText.js';

export function useDenialTooltip(check) {
  const { subject, principal } = usePermeval();
  const catalog = useCatalog();
  if (!check) return null;
  const explanation = subject.explain(check.permission, check.type, check.id);
  return denialTooltip(explanation, { principalId: principal, catalog, ...check });
}

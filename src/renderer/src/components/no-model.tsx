/**
 * A tab's panel while its project has no model yet: says to import one and goes to the Model tab.
 */

import { navigate } from '../state/route.js';
import { EmptyState, Panel } from './widgets.js';

export function NoModelPanel({ title, projectId }: { title: string; projectId: string }) {
  return (
    <Panel title={title}>
      <EmptyState title="Import a model first">
        <button type="button" className="button" onClick={() => navigate({ screen: 'project', projectId, tab: 'model' })}>
          Go to Model
        </button>
      </EmptyState>
    </Panel>
  );
}

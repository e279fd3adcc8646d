/**
 * The Deploy tab's board picker: every board the devices listing has, grouped — virtual boards
 * (QEMU), the catalog's real boards (plugged in or not, each saying which) and the user's own —
 * with those that cannot be deployed to now disabled and why; and, when a virtual board is
 * picked, which real board to estimate cycles and ms for (the CLI's `deploy --target`).
 */
import type { DeviceListing } from '../../../shared/services/types.js';
import { boardChoices, estimateTargets, groupLabels, type BoardChoice } from './board-choices.js';

export function BoardPicker({
  listing,
  placeholder,
  boardId,
  onBoard,
  targetId,
  onTarget,
}: {
  listing: DeviceListing | undefined;
  /** Shown while there is no listing yet. */
  placeholder: string;
  boardId: string | undefined;
  onBoard: (boardId: string) => void;
  targetId: string | undefined;
  onTarget: (targetId: string | undefined) => void;
}) {
  const choices = boardChoices(listing);
  const groups = (['virtual', 'catalog', 'custom'] as const).map((group) => ({ group, choices: choices.filter((choice) => choice.group === group) })).filter((entry) => entry.choices.length > 0);
  const selected = choices.find((choice) => choice.board.id === boardId);
  const targets = estimateTargets(listing, boardId);
  return (
    <>
      <label className="field">
        <span className="field__label">Board</span>
        <select className="select" value={boardId ?? ''} onChange={(event) => onBoard(event.target.value)} disabled={!listing} data-testid="board-select">
          {!listing && <option value="">{placeholder}</option>}
          {groups.map(({ group, choices: members }) => (
            <optgroup key={group} label={groupLabels[group]}>
              {members.map((choice) => (
                <option key={choice.board.id} value={choice.board.id} disabled={!choice.board.deployable}>
                  {choice.board.name}
                  {optionSuffix(choice)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {targets.length > 0 && (
        <label className="field" title="Cycles and milliseconds are estimated from the instructions QEMU executes, for the core, clock and flash wait states of this board">
          <span className="field__label">Estimate for</span>
          <select className="select" value={targetId ?? ''} onChange={(event) => onTarget(event.target.value || undefined)} data-testid="target-select">
            <option value="">{selected ? `${selected.board.name} itself` : 'the virtual board itself'}</option>
            {targets.map((target) => (
              <option key={target.id} value={target.id}>
                {target.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function optionSuffix(choice: BoardChoice): string {
  if (choice.group === 'virtual') return choice.board.deployable ? '' : ' — unavailable';
  if (choice.board.deployable) return choice.port ? ` — on ${choice.port}` : ' — plugged in';
  return /^not plugged in/.test(choice.status) ? ' — not plugged in' : ' — cannot deploy';
}

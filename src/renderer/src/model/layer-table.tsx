/**
 * The per-layer table of `tinydeploy inspect`: op, input and output shapes, parameters, MACs (and
 * their share of the model's) and the activation bytes live during the op, with the totals row.
 * Rows are selectable and follow the graph view's selection.
 */

import { useEffect, useRef } from 'react';
import type { LayerRow, ModelDetail } from '../../../shared/services/types.js';
import { formatCount, formatPercent, formatShape } from '../format.js';

const tensorText = (tensors: LayerRow['inputs']) => tensors.map((tensor) => `${formatShape(tensor.shape)} ${tensor.dtype}`).join(' + ') || '–';

export function LayerTable({ detail, selected, onSelect }: { detail: ModelDetail; selected: number | undefined; onSelect: (index: number) => void }) {
  const selectedRow = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const totalMacs = detail.summary.macs;
  const peak = detail.summary.peakActivationBytes;

  return (
    <table className="table layer-table" data-testid="layer-table" aria-label="Layers">
      <thead>
        <tr>
          <th scope="col" className="numeric">
            #
          </th>
          <th scope="col">Op</th>
          <th scope="col">Input</th>
          <th scope="col">Output</th>
          <th scope="col" className="numeric">
            Params
          </th>
          <th scope="col" className="numeric">
            MACs
          </th>
          <th scope="col" className="numeric" title="Share of the model's MACs">
            MAC %
          </th>
          <th scope="col" className="numeric" title="Bytes of all activations live while the op runs">
            Live B
          </th>
        </tr>
      </thead>
      <tbody>
        {detail.layers.map((layer) => {
          const isSelected = layer.index === selected;
          return (
            <tr
              key={layer.index}
              ref={isSelected ? selectedRow : undefined}
              className={`is-clickable${isSelected ? ' is-selected' : ''}`}
              aria-selected={isSelected}
              onClick={() => onSelect(layer.index)}
              data-testid="layer-row"
            >
              <td className="numeric">{layer.index}</td>
              <td className="mono">{layer.op}</td>
              <td className="mono">{tensorText(layer.inputs)}</td>
              <td className="mono">{tensorText(layer.outputs)}</td>
              <td className="numeric">{formatCount(layer.parameters)}</td>
              <td className="numeric">{formatCount(layer.macs)}</td>
              <td className="numeric">{totalMacs > 0 ? formatPercent(layer.macs / totalMacs) : '–'}</td>
              <td className={`numeric${layer.liveBytes === peak ? ' is-peak' : ''}`} title={layer.liveBytes === peak ? 'peak' : undefined}>
                {formatCount(layer.liveBytes)}
              </td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <td />
          <td>total</td>
          <td />
          <td />
          <td className="numeric" data-testid="total-parameters">
            {formatCount(detail.summary.parameters)}
          </td>
          <td className="numeric" data-testid="total-macs">
            {formatCount(totalMacs)}
          </td>
          <td className="numeric">{totalMacs > 0 ? '100.0%' : '–'}</td>
          <td className="numeric" title="Peak activation bytes">
            {formatCount(peak)}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

/**
 * The per-layer table of `tinydeploy inspect`: op, input and output shapes, parameters, MACs (and
 * their share of the model's) and the activation bytes live during the op, with the totals row.
 * Rows are selectable and follow the graph view's selection.
 */

import type { LayerRow, ModelDetail } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { formatCount, formatPercent, formatShape } from '../format.js';

const tensorText = (tensors: LayerRow['inputs']) => tensors.map((tensor) => `${formatShape(tensor.shape)} ${tensor.dtype}`).join(' + ') || '–';

export function LayerTable({ detail, selected, onSelect }: { detail: ModelDetail; selected: number | undefined; onSelect: (index: number) => void }) {
  const totalMacs = detail.summary.macs;
  const peak = detail.summary.peakActivationBytes;
  const columns: Column<LayerRow>[] = [
    { header: '#', align: 'numeric', render: (layer) => layer.index },
    { header: 'Op', className: 'mono', render: (layer) => layer.op },
    { header: 'Input', className: 'mono', render: (layer) => tensorText(layer.inputs) },
    { header: 'Output', className: 'mono', render: (layer) => tensorText(layer.outputs) },
    { header: 'Params', align: 'numeric', render: (layer) => formatCount(layer.parameters) },
    { header: 'MACs', align: 'numeric', render: (layer) => formatCount(layer.macs) },
    { header: 'MAC %', headerTitle: "Share of the model's MACs", align: 'numeric', render: (layer) => (totalMacs > 0 ? formatPercent(layer.macs / totalMacs) : '–') },
    {
      header: 'Live B',
      headerTitle: 'Bytes of all activations live while the op runs, each in a buffer of its own (no in-place reuse); the largest is the no-reuse bound (no sharing, no alignment or scratch), which the planner’s arena usually stays under',
      align: 'numeric',
      className: (layer) => (layer.liveBytes === peak ? 'is-peak' : undefined),
      title: (layer) => (layer.liveBytes === peak ? 'the no-reuse bound (most bytes live at one op)' : undefined),
      render: (layer) => formatCount(layer.liveBytes),
    },
  ];

  return (
    <DataTable
      columns={columns}
      rows={detail.layers}
      rowKey={(layer) => layer.index}
      isSelected={(layer) => layer.index === selected}
      onRowClick={(layer) => onSelect(layer.index)}
      rowTestId="layer-row"
      testId="layer-table"
      className="layer-table"
      label="Layers"
      scroll={false}
      footer={
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
          <td className="numeric" title="The no-reuse bound: the most activation bytes live at one op">
            {formatCount(peak)}
          </td>
        </tr>
      }
    />
  );
}

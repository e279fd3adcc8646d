/**
 * The project's datasets and the one chosen from them, for the tabs that work on a dataset
 * (Accuracy, Search): the one picked, else the newest; a picked dataset that was removed falls
 * back to the newest. `panel` is what the Datasets panel beside the form takes.
 */

import { useEffect, useState } from 'react';
import type { Dataset } from '../../../shared/services/types.js';
import { useQuery, useServices, type Query } from '../state/services-context.js';

export interface DatasetChoice {
  datasets: Query<Dataset[]>;
  /** The datasets loaded so far (none while loading). */
  list: Dataset[];
  dataset: Dataset | undefined;
  choose: (datasetId: string | undefined) => void;
  panel: { projectId: string; datasets: Dataset[] | undefined; selectedId: string | undefined; onSelect: (datasetId: string) => void; onChanged: (added?: Dataset) => void };
}

export function useDatasetChoice(projectId: string, queryName: string): DatasetChoice {
  const services = useServices();
  const [version, setVersion] = useState(0);
  const datasets = useQuery(`${queryName}:${projectId}`, () => services.datasets.list({ projectId }), version);
  const [datasetId, setDatasetId] = useState<string>();
  const list = datasets.data ?? [];
  const dataset = list.find((candidate) => candidate.id === datasetId) ?? list[list.length - 1];
  useEffect(() => {
    if (datasetId !== undefined && datasets.data && !datasets.data.some((candidate) => candidate.id === datasetId)) setDatasetId(undefined);
  }, [datasetId, datasets.data]);
  return {
    datasets,
    list,
    dataset,
    choose: setDatasetId,
    panel: {
      projectId,
      datasets: datasets.data,
      selectedId: dataset?.id,
      onSelect: setDatasetId,
      onChanged: (added) => {
        if (added) setDatasetId(added.id);
        setVersion((current) => current + 1);
      },
    },
  };
}

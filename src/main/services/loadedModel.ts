// What model.load answers about a graph besides where it came from: the graph in Frontier's format, the layers whose
// channels can be set and those a `*` prune applies to. Linear, but about a second each on a 200,000-layer model:
// the web host works them out in its parse worker, with the parse itself.
import type { LoadedModel } from '../../shared/api';
import { editableLayers, prunableLayers } from '../../shared/model/edit';
import { graphToNative } from '../../shared/model/native';
import { outputChannelsOf, type ModelGraph } from '../../shared/model/types';

export type LoadedFields = Pick<LoadedModel, 'graph' | 'editable' | 'prunable'>;

export function loadedFields(graph: ModelGraph): LoadedFields {
  return {
    graph: graphToNative(graph),
    editable: editableLayers(graph).map((l) => ({ name: l.name, channels: outputChannelsOf(l) })),
    prunable: prunableLayers(graph).map((l) => l.name),
  };
}

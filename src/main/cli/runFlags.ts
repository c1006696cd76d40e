// The flags that make a configuration runnable with real weights (infer, evaluate): channel edits and pruning, one
// value per layer, the pruning criterion, the precision and its calibration.
import { CHANNEL_BOUNDS, RATIO_BOUNDS } from '../../shared/cli/valueList';
import type { RunConfiguration } from '../engine/configure';
import type { AnalysisFlags } from './analysisFlags';
import { choiceFlag, type ParsedArgs } from './args';
import { singleValues } from './singleValues';

export const RUN_FLAGS = {
  channels: 'repeat',
  prune: 'repeat',
  'prune-criterion': 'string',
  precision: 'string',
  'calibration-data': 'string',
  recalibrate: 'bool',
} as const;

export function runConfigurationOf(args: ParsedArgs, flags: AnalysisFlags): RunConfiguration {
  return {
    channels: singleValues('channels', args.repeats.get('channels'), true, CHANNEL_BOUNDS),
    prune: singleValues('prune', args.repeats.get('prune'), false, RATIO_BOUNDS),
    precision: args.strings.get('precision'),
    layerPrecisions: flags.layerPrecisions,
    pruneCriterion: choiceFlag(args, 'prune-criterion', ['l1', 'l2'] as const),
    recalibrate: args.bools.has('recalibrate'),
  };
}

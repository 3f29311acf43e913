import { describeTomatoBench } from '../cli/bench-tomato-suite.ts';
import { describeRealData, sharedData } from '../support/real-data.ts';

// The first 40 records of ToMATO's false-belief set, as released (../shared/data/tomato/README.md).
describeRealData('the released ToMATO excerpt (tomato_fb.first40.json)', () => {
  describeTomatoBench('the released excerpt', {
    path: sharedData('tomato', 'tomato_fb.first40.json'),
    items: 40,
    rightAsA: 12,
    alwaysAText: '0.300',
    mentalStates: [['belief', 8], ['desire', 13], ['emotion', 9], ['intention', 1], ['knowledge', 9]],
    crossedGroup: 'desire · 2 · true',
    oracleGainAbove: 0.5,
    stats: ['ToMATO: 40 items', /desire\s+13/, /by order:\n\s+2\s+40/, /by false_belief:\n\s+true\s+40/, /desire · 2 · true\s+13/],
  });
});

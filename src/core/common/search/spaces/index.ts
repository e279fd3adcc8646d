/** The built-in search spaces, by name (`tinydeploy search --space lstm`). */
import type { SearchSpace } from '../space.js';
import { dsCnnSpace } from './ds-cnn.js';
import { gruSpace } from './gru.js';
import { lstmSpace } from './lstm.js';
import { mlpSpace } from './mlp.js';

export const builtinSpaces: Readonly<Record<string, SearchSpace>> = { lstm: lstmSpace, gru: gruSpace, 'ds-cnn': dsCnnSpace, mlp: mlpSpace };

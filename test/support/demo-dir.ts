import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A demo folder of its own, not yet created, named `.demo` as the default one inside an otherwise empty
 * folder: the CLI run there with nothing configured finds it as the demo's. The demo is given it as DEMO_DIR.
 */
export const tempDemoDir = (): string => join(mkdtempSync(join(tmpdir(), 'demo-')), '.demo');

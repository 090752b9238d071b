// postflight's own version, bundled into the built file (the job ships it without package.json).

import pkg from '../package.json' with { type: 'json' };

export const POSTFLIGHT_VERSION: string = pkg.version;

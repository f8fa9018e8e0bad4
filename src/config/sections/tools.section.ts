import { bool, defineSection } from '../section.js';

/** Operator tools served by the service itself. */
export const toolsSection = defineSection({
  env: {
    PLAYGROUND_ENABLED: bool(true),
  },
  build: (v) => ({
    /** Serve the browser playground at `GET /playground` (behind `AUTH_TOKEN` when auth is on). */
    playgroundEnabled: v.PLAYGROUND_ENABLED as boolean,
  }),
});

#!/usr/bin/env node
// `yishiting-kb`: the knowledge-base tool as an installed command. Registers tsx so the TypeScript source runs as is.
import { register } from 'tsx/esm/api';

register();
await import('../kb.ts');

#!/usr/bin/env node
// `yishiting-ask`: the `ask` client as an installed command. Registers tsx so the TypeScript source runs as is.
import { register } from 'tsx/esm/api';

register();
await import('../ask.ts');

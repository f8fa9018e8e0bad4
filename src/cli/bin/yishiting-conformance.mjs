#!/usr/bin/env node
// `yishiting-conformance`: the conformance checker as an installed command (TypeScript source run through tsx).
import { register } from 'tsx/esm/api';

register();
await import('../conformance.ts');

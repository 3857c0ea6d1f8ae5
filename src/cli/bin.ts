#!/usr/bin/env node
import { run } from './main.js';

const code = await run(process.argv.slice(2));
// A reader that went away (`| head`) has already set the shell's broken-pipe status.
if (process.exitCode === undefined) process.exitCode = code;
// A socket to a stalled server may never close; once the output has drained, do not wait for it.
setTimeout(() => process.exit(), 3000).unref();

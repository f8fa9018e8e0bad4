import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { asBuildReply, type BuildRequest, MAX_LINE_CHARS, REPLY_FD } from './build-messages.js';
import type { BuildProgress } from './index-builder.js';

/** What a build in its own process reports once the new generation is current (or nothing changed). */
export interface ProcessBuildResult {
  readonly changed: boolean;
  readonly filesRead: number;
  readonly filesReused: number;
}

export interface ProcessBuildOptions {
  readonly request: BuildRequest;
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Silence from the build process this long (no heartbeat, no progress) and it is killed: its main thread is stuck. */
  readonly stallMs: number;
}

/**
 * Runs one index build in a child process (`index-build.child.ts`) and
 * waits for it: the build's memory leaves with the process, a stuck build
 * can be killed, and a crash takes only the build. The service then loads the
 * generation the child made current, as a restart does. Killed when `stop()`
 * is called (the service stopping) and when it falls silent for `stallMs`;
 * it also stops by itself when this process goes away (its stdin ends).
 */
export class IndexBuildProcess {
  private readonly child: ChildProcess;
  readonly done: Promise<ProcessBuildResult>;
  private stopped = false;

  constructor(options: ProcessBuildOptions) {
    const { entry, execArgv } = childEntry();
    this.child = spawn(process.execPath, [...execArgv, entry], {
      // stdin: the request, and its end tells the child this process is gone; stdout: the readers' own
      // warnings, as when they ran in this process; stderr: kept for a crash's message; fd 3: replies.
      stdio: ['pipe', 'inherit', 'pipe', 'pipe'],
    });
    this.done = this.watch(options);
  }

  /** The build process's id (undefined if it could not start). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Kills the build (the service is stopping); `done` rejects. */
  stop(): void {
    this.stopped = true;
    this.child.kill('SIGKILL');
  }

  private watch({ request, onProgress, stallMs }: ProcessBuildOptions): Promise<ProcessBuildResult> {
    const child = this.child;
    return new Promise<ProcessBuildResult>((resolve, reject) => {
      let result: ProcessBuildResult | undefined;
      let failure: string | undefined;
      let stderr = '';
      let stall: NodeJS.Timeout | undefined;
      const kill = (reason: string) => {
        failure ??= reason;
        child.kill('SIGKILL');
      };
      const heard = () => {
        clearTimeout(stall);
        stall = setTimeout(() => kill(`index build process silent for ${Math.round(stallMs / 1000)} s; killed`), stallMs);
      };
      heard();
      child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
      readLines(child.stdio[REPLY_FD] as Readable, MAX_LINE_CHARS, (line) => {
        heard();
        let reply;
        try {
          reply = asBuildReply(JSON.parse(line));
        } catch {
          reply = undefined;
        }
        if (!reply) return kill('index build process sent a malformed message');
        if (reply.kind === 'progress') onProgress?.(reply.progress);
        else if (reply.kind === 'done') result = { changed: reply.changed, filesRead: reply.filesRead, filesReused: reply.filesReused };
        else if (reply.kind === 'failed') failure ??= reply.error;
      }, () => kill(`index build process sent a line longer than ${MAX_LINE_CHARS} characters`));
      child.once('error', (error) => kill(`index build process could not start: ${error.message}`));
      child.once('close', (code, signal) => {
        clearTimeout(stall);
        if (result && !failure) return resolve(result);
        if (this.stopped) return reject(new Error('index build stopped'));
        const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
        const tail = stderr.trim().split('\n').slice(-5).join(' | ');
        reject(new Error(failure ?? `index build process ${how}${tail ? `: ${tail}` : ''}`));
      });
      // Errors writing to a child that died at once are reported by 'close' above.
      child.stdin?.on('error', () => undefined);
      child.stdin?.write(`${JSON.stringify(request)}\n`);
    });
  }
}

/** Calls `onLine` for each line of `stream`, holding at most `max` characters of an unfinished one. */
function readLines(stream: Readable, max: number, onLine: (line: string) => void, onTooLong: () => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.length > max) return onTooLong();
      onLine(line);
    }
    if (pending.length > max) {
      pending = '';
      onTooLong();
    }
  });
  stream.on('error', () => undefined);
}

/**
 * The build process runs the compiled `.js` beside this file in production
 * (`npm start`); from the TypeScript source (tests, `tsx`) it runs the `.ts`
 * with tsx's loader, found from here (not from the working folder).
 */
function childEntry(): { entry: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './index-build.child.ts' : './index-build.child.js', import.meta.url);
  if (!fromSource) return { entry: fileURLToPath(entry), execArgv: [] };
  // createRequire, not import.meta.resolve: mocha loads the sources through tsx's CommonJS path, which has no resolve.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { entry: fileURLToPath(entry), execArgv: ['--import', tsx] };
}

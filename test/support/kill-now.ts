import type { ChildProcess } from 'node:child_process';

/** Kills a child process at once (SIGKILL) and waits for it to exit; nothing if it is gone already. */
export async function killNow(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// Liveness of a session's process, to tell a running sweep from an interrupted one.

/** Whether a process with this pid exists on this machine (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 / negatives address process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

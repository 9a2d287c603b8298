/** Lines an error panel or alert must count, whatever their case, and lines it must not. */
export const ERROR_LINES = ["2026-11-30 10:00:00,123 ERROR app: payment declined", "java.lang.IllegalStateException: closed", "Unhandled exception in worker", "upload FAILED after 3 tries", "error: connection refused"];
export const QUIET_LINES = ["GET /health 200", "2026-11-30 10:00:00,123 INFO app: started", "checkpoint complete: wrote 3 buffers"];

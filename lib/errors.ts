/**
 * Errors whose message is safe to show a user, with a stable code and the
 * HTTP status an API answers them with. Everything else is an internal error.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = "AppError";
  }
}

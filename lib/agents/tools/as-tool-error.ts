import { ToolError } from "./types";

/**
 * `work`'s value; an error of class `refusal` (a domain refusal whose message is written for the model, such as
 * FetchError or ScheduleError) becomes a ToolError the model reads, and any other error is thrown as it is.
 */
export async function asToolError<T>(
  work: Promise<T>,
  refusal: abstract new (...args: never[]) => Error,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof refusal) throw new ToolError(error.message);
    throw error;
  }
}

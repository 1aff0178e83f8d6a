/** For the lib/convos tests: what a call that must refuse its input throws. */
import { ConvosError } from "@/lib/convos/errors";

/** The code of the ConvosError `fn` throws, or "no error"; any other error is thrown on (the test fails). */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConvosError) return e.code;
    throw e;
  }
  return "no error";
}

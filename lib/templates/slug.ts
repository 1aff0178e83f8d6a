/**
 * Template slugs: lower-case words joined by hyphens. Checked before any
 * lookup so a hostile path segment (`/a/%3Cscript%3E`, a 10 kB string) is a
 * plain 404 without touching the database.
 */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUG_LENGTH = 64;

/** True for a well-formed template slug. */
export function isValidSlug(value: string): boolean {
  return value.length <= MAX_SLUG_LENGTH && SLUG.test(value);
}

/**
 * Intl.DateTimeFormat objects kept per time zone: building one costs far more than formatting with it, and
 * the callers format on every prompt and every schedule step. Bounded: zones come from agents' settings,
 * a few hundred at most; past the bound the cache starts over.
 */
const MAX_ZONES = 1_000;

/** A lookup of the formatter for `locale` and `options` in a given zone, made once per zone. */
export function zoneFormatters(
  locale: string,
  options: Omit<Intl.DateTimeFormatOptions, "timeZone">,
): (timeZone: string) => Intl.DateTimeFormat {
  const byZone = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let f = byZone.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      if (byZone.size >= MAX_ZONES) byZone.clear();
      byZone.set(timeZone, f);
    }
    return f;
  };
}

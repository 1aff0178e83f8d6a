/**
 * Cache policy of the generated images (OG and QR). They change only when a
 * template is edited, so an hour in browsers and a day in shared caches is a
 * fair trade; not `immutable`, because the URL stays the same after an edit.
 */
export const IMAGE_CACHE_CONTROL = "public, max-age=3600, s-maxage=86400";

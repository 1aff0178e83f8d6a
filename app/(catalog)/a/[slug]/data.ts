import { cache } from "react";
import { getPublishedTemplate } from "@/lib/templates/queries";

/** The page's template, read once per request although both generateMetadata and the page ask for it. */
export const loadTemplate = cache(getPublishedTemplate);

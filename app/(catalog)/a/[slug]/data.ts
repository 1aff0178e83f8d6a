import { cache } from "react";
import { getPublishedTemplate } from "@/lib/templates/queries";

/** The page's template, read once per request however many of layout, metadata and page ask for it. */
export const loadTemplate = cache(getPublishedTemplate);

/** Download links (docs/sdk.md#what-it-captures): a path ending, case-insensitively, in one of a list of extensions. Pure: no DOM. */

/** The built-in `data-downloads` list. */
export const DOWNLOADS = "pdf,epub,zip,rar,gz,dmg,exe,msi,apk,csv,txt,doc,docx,xls,xlsx,ppt,pptx,key,mp3,mp4";

/**
 * Whether URL path `path` ends in "." + one of the extensions of `list` (a comma list or
 * array, spaces and leading dots allowed; the built-in list when none), whatever their case.
 */
export const isDownload = (path: string, list: string | string[] = DOWNLOADS): boolean =>
  ("" + list).split(",").some((x) => (x = x.trim().replace(/^\./, "")) && path.toLowerCase().endsWith("." + x.toLowerCase()));

import { describe, expect, it } from "vitest";
import { DOWNLOADS, isDownload } from "../../../sdk/src/ext";

describe("isDownload: a link's path ends in a download extension", () => {
  it("matches the built-in list whatever the case", () => {
    for (const p of ["/files/Guide.PDF", "/a/b.pdf", "/x.ZIP", "/report.docx", "/sheet.XLSX", "/deck.pptx", "/data.csv", "/book.epub"]) {
      expect(isDownload(p), p).toBe(true);
    }
  });

  it("does not match pages and other files", () => {
    for (const p of ["/files/photo.png", "/pricing", "/", "/pdf", "/guide.pdf/", "/guide.pdfx", "/apdf"]) expect(isDownload(p), p).toBe(false);
  });

  it("takes a list: a comma string with spaces and dots, or an array", () => {
    expect(isDownload("/a.Sketch", "sketch, fig")).toBe(true);
    expect(isDownload("/a.fig", " .FIG ,")).toBe(true);
    expect(isDownload("/a.pdf", "sketch,fig")).toBe(false);
    expect(isDownload("/a.fig", ["sketch", "fig"])).toBe(true);
    expect(isDownload("/backup.tar.gz", "tar.gz")).toBe(true);
  });

  it("ignores empty entries", () => {
    expect(isDownload("/a.", "pdf,,")).toBe(false);
    expect(isDownload("/a", ",")).toBe(false);
  });

  it("has the documented defaults (docs/sdk.md#options)", () => {
    for (const ext of ["pdf", "zip", "docx", "xlsx", "pptx", "csv"]) expect(DOWNLOADS.split(",")).toContain(ext);
  });
});

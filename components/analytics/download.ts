"use client";
// Saves text the page already holds as a file: the dashboards' CSV exports, built by the same functions as the API's
// ?format=csv answers (lib/analytics/csv.ts, comparison-shared.ts), so both carry the same numbers.
export function download(name: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

// Exported plots are composed by the plot itself (ParetoPlot's toSVG / toPNG: every layer, the point cloud
// included); this turns the PNG's data URL into a file to save.
export function dataUrlToBlob(url: string): Blob {
  const comma = url.indexOf(',');
  const header = url.slice(0, comma);
  const mime = /^data:([^;,]+)/.exec(header)?.[1] ?? 'application/octet-stream';
  const body = url.slice(comma + 1);
  if (!header.endsWith(';base64')) return new Blob([decodeURIComponent(body)], { type: mime });
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

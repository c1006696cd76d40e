// Turns a drawn Pareto plot (canvas of points under an SVG of axes, front and constraints) into one standalone SVG
// or a PNG, for exports and reports.
const SVG_NS = 'http://www.w3.org/2000/svg';

function parts(root: Element): { canvas: HTMLCanvasElement; svg: SVGSVGElement } {
  const canvas = root.querySelector('canvas');
  const svg = root.querySelector('svg');
  if (!canvas || !svg) throw new Error('the plot has not been drawn yet');
  return { canvas, svg };
}

/** Copies the computed colours into the markup so the file looks the same outside the app. */
function inlineStyles(source: Element, target: Element): void {
  const style = getComputedStyle(source);
  const keep = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline'];
  (target as SVGElement).setAttribute('style', keep.map((k) => `${k}:${style.getPropertyValue(k)}`).join(';'));
  for (let i = 0; i < source.children.length; i++) inlineStyles(source.children[i], target.children[i]);
}

export function plotSvg(root: Element): string {
  const { canvas, svg } = parts(root);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  const width = svg.clientWidth || Number(svg.getAttribute('width'));
  const height = svg.clientHeight || Number(svg.getAttribute('height'));
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', getComputedStyle(document.body).backgroundColor);
  const image = document.createElementNS(SVG_NS, 'image');
  image.setAttribute('href', canvas.toDataURL('image/png'));
  image.setAttribute('width', String(width));
  image.setAttribute('height', String(height));
  copy.insertBefore(image, copy.firstChild);
  copy.insertBefore(background, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

export async function plotPng(root: Element, scale = 2): Promise<Blob> {
  const svgText = plotSvg(root);
  const { svg } = parts(root);
  const width = svg.clientWidth;
  const height = svg.clientHeight;
  const image = new Image();
  image.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svgText)))}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.scale(scale, scale);
  ctx.drawImage(image, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

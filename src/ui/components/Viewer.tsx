/**
 * The image viewport: cornerstone-core draws the slice; mouse drag windows, wheel and arrows scroll. The
 * selected summary token's attention heatmap is drawn over the image after each render.
 */
import * as cornerstone from 'cornerstone-core';
import { useEffect, useRef } from 'react';
import { heatmapPixels, shownAttention } from '../summary/heatmap.ts';
import { useStore, type TuwenState } from '../store.ts';
import { useMessages } from '../useMessages.ts';
import { sliceImage } from '../viewer/cornerstoneImage.ts';

export function Viewer() {
  const t = useMessages();
  const element = useRef<HTMLDivElement>(null);
  const study = useStore((s) => s.study);
  const studyKey = useStore((s) => s.studyKey);
  const slice = useStore((s) => s.slice);
  const voi = useStore((s) => s.voi);
  const stepSlice = useStore((s) => s.stepSlice);
  const dragWindow = useStore((s) => s.dragWindow);

  const selected = useStore((s) => s.selected);
  const tokens = useStore((s) => s.summary.tokens);
  const heatmap = useStore((s) => s.heatmap);

  useEffect(() => {
    const el = element.current!;
    cornerstone.enable(el);
    const observer = new ResizeObserver(() => cornerstone.resize(el, true));
    observer.observe(el);
    const onRendered = (event: Event) => drawHeatmap(el, (event as CustomEvent<{ canvasContext: CanvasRenderingContext2D }>).detail.canvasContext, useStore.getState());
    el.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
    return () => {
      el.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, onRendered);
      observer.disconnect();
      cornerstone.disable(el);
    };
  }, []);

  // Another token (or none), or the other attention: redraw, so the heatmap follows.
  useEffect(() => {
    const el = element.current!;
    if (study && cornerstone.getEnabledElement(el).image) cornerstone.updateImage(el);
  }, [selected, tokens, study, heatmap]);

  // A new slice or study: display it with the current window. A new study starts from a fitted viewport;
  // a new slice keeps the user's zoom and pan.
  const shownStudy = useRef<number>(-1);
  useEffect(() => {
    const el = element.current!;
    if (!study) return;
    const image = sliceImage(study, slice, String(studyKey));
    const sameStudy = shownStudy.current === studyKey;
    shownStudy.current = studyKey;
    const viewport = (sameStudy && cornerstone.getViewport(el)) || cornerstone.getDefaultViewportForImage(el, image);
    viewport.voi = { windowCenter: voi.center, windowWidth: voi.width };
    viewport.invert = image.invert;
    cornerstone.displayImage(el, image, viewport);
    // The window is applied by the effect below; only a new slice or study redraws the image here.
  }, [study, studyKey, slice]);

  useEffect(() => {
    const el = element.current!;
    const viewport = study ? cornerstone.getViewport(el) : undefined;
    if (!viewport) return;
    viewport.voi = { windowCenter: voi.center, windowWidth: voi.width };
    cornerstone.setViewport(el, viewport);
  }, [voi, study]);

  function onPointerDown(event: React.PointerEvent<HTMLDivElement>) {
    if (!study || study.samplesPerPixel === 3) return;
    const target = event.currentTarget;
    target.setPointerCapture(event.pointerId);
    let last = { x: event.clientX, y: event.clientY };
    const move = (e: PointerEvent) => {
      dragWindow(e.clientX - last.x, e.clientY - last.y);
      last = { x: e.clientX, y: e.clientY };
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  }

  function onKeyDown(event: React.KeyboardEvent) {
    const delta = { ArrowUp: -1, ArrowDown: 1, PageUp: -10, PageDown: 10 }[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      stepSlice(delta);
    }
  }

  return (
    <div className="viewer-frame">
      <div
        ref={element}
        className="viewer"
        data-testid="viewer"
        data-study-key={studyKey}
        tabIndex={0}
        role="img"
        aria-label={study ? `${study.header.modality ?? ''} ${t.slice} ${slice + 1}/${study.depth}` : t.noStudy}
        onPointerDown={onPointerDown}
        onWheel={(e) => study && study.depth > 1 && stepSlice(Math.sign(e.deltaY))}
        onKeyDown={onKeyDown}
        onContextMenu={(e) => e.preventDefault()}
      />
      {!study && <div className="viewer-empty">{t.noStudy}</div>}
      {study && selected !== undefined && tokens[selected] && (
        <div className="viewer-token" data-testid="heatmap-token">
          {t.attentionOf}「{tokens[selected].text.replace(/^##/, '')}」{tokens[selected].reading && ` · ${heatmap === 'reading' ? t.readingView : t.pointingView}`}
        </div>
      )}
      {study && (
        <div className="viewer-overlay" aria-hidden="true">
          <span>
            {t.slice} {slice + 1}/{study.depth}
          </span>
          <span>
            W {Math.round(voi.width)} / L {Math.round(voi.center)}
          </span>
        </div>
      )}
    </div>
  );
}

/** The selected token's attention over the displayed slice, scaled onto the image's pixels. */
function drawHeatmap(el: HTMLElement, context: CanvasRenderingContext2D, state: TuwenState): void {
  const { study, summary, selected, slice, heatmap } = state;
  const token = selected === undefined ? undefined : summary.tokens[selected];
  if (!study || !token || !summary.regionShape) return;
  const [, rh, rw] = summary.regionShape;
  const cells = document.createElement('canvas');
  cells.width = rw;
  cells.height = rh;
  cells.getContext('2d')!.putImageData(new ImageData(heatmapPixels(shownAttention(token, heatmap), summary.regionShape, slice, study.depth), rw, rh), 0, 0);
  const topLeft = cornerstone.pixelToCanvas(el, { x: 0, y: 0 } as cornerstone.PixelCoordinate);
  const bottomRight = cornerstone.pixelToCanvas(el, { x: study.width, y: study.height } as cornerstone.PixelCoordinate);
  context.save();
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(cells, topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
  context.restore();
}


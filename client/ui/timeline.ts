import { t, type Lang } from '../i18n.ts';
import { effectivePeriod, statePeriod, timelineSteps, type FilterState } from '../state/filters.ts';
import { formatPeriod } from './format.ts';

/** The next frame when playing: stops (null) after the last step. */
export function nextFrame(frame: number | null, stepCount: number): number | null {
  if (stepCount === 0) return null;
  if (frame === null) return 0;
  return frame + 1 < stepCount ? frame + 1 : null;
}

/**
 * The time slider: plays the period week by week or month by month, cumulative or as a moving window.
 * Built once per language; sync() only moves values.
 */
export class Timeline {
  private lang: Lang | null = null;
  private timer: number | null = null;
  private state: FilterState | null = null;

  constructor(private readonly root: HTMLElement, private readonly onChange: (change: Partial<FilterState>) => void, private readonly intervalMs = 1200) {
    root.addEventListener('input', (e) => {
      const target = e.target as HTMLInputElement;
      if (target.name === 'frame') this.onChange({ frame: Number(target.value) >= this.steps().length ? null : Number(target.value) });
    });
    root.addEventListener('change', (e) => {
      const target = e.target as HTMLSelectElement;
      if (target.name === 'step') this.onChange({ step: target.value as FilterState['step'] });
      if (target.name === 'mode') this.onChange({ mode: target.value as FilterState['mode'] });
    });
    root.addEventListener('click', (e) => {
      const action = (e.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
      if (action === 'play') this.toggle();
      if (action === 'whole') { this.stop(); this.onChange({ frame: null }); }
    });
  }

  private steps() {
    return this.state ? timelineSteps(statePeriod(this.state), this.state.step) : [];
  }

  get playing(): boolean { return this.timer !== null; }

  /** Starts or stops playing. */
  toggle(): void {
    if (this.timer !== null) { this.stop(); return; }
    this.timer = window.setInterval(() => {
      const next = nextFrame(this.state?.frame ?? null, this.steps().length);
      if (next === null) { this.stop(); }
      this.onChange({ frame: next ?? this.steps().length - 1 });
    }, this.intervalMs);
    this.onChange({ frame: this.state?.frame ?? 0 });
    this.render();
  }

  /** Stops playing. */
  stop(): void {
    const was = this.timer !== null;
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    this.render();
    if (was) this.onStop?.();
  }

  /** Called once playback stops (layers too slow to follow each frame refresh then). */
  onStop: (() => void) | null = null;

  /** Brings the controls in line with the state. */
  sync(state: FilterState): void {
    this.state = state;
    if (this.lang !== state.lang) this.build(state.lang);
    this.render();
  }

  private render(): void {
    const state = this.state;
    if (!state || !this.lang) return;
    const steps = this.steps();
    const range = this.root.querySelector<HTMLInputElement>('input[name="frame"]')!;
    range.max = String(steps.length);
    range.value = String(state.frame ?? steps.length);
    (this.root.querySelector('select[name="step"]') as HTMLSelectElement).value = state.step;
    (this.root.querySelector('select[name="mode"]') as HTMLSelectElement).value = state.mode;
    const label = state.frame === null ? `${t(this.lang, 'wholePeriod')}: ${formatPeriod(statePeriod(state), this.lang)}` : formatPeriod(effectivePeriod(state), this.lang);
    this.root.querySelector('[data-part="frame-label"]')!.textContent = label;
    range.setAttribute('aria-valuetext', label);
    const play = this.root.querySelector<HTMLButtonElement>('[data-action="play"]')!;
    play.textContent = this.timer !== null ? `❚❚ ${t(this.lang, 'pause')}` : `▶ ${t(this.lang, 'play')}`;
    play.setAttribute('aria-pressed', String(this.timer !== null));
  }

  private build(lang: Lang): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.id;
    this.root.innerHTML = `
      <button type="button" data-action="play" id="timeline-play" aria-pressed="false"></button>
      <label class="timeline-range">${t(lang, 'timeline')} <input type="range" name="frame" id="timeline-frame" min="0" step="1"></label>
      <span data-part="frame-label" class="frame-label" aria-live="polite"></span>
      <button type="button" data-action="whole" id="timeline-whole">${t(lang, 'wholePeriod')}</button>
      <label><span class="sr-only">${t(lang, 'period')}</span><select name="step" id="timeline-step"><option value="week">${t(lang, 'step_week')}</option><option value="month">${t(lang, 'step_month')}</option></select></label>
      <label><span class="sr-only">${t(lang, 'timeline')}</span><select name="mode" id="timeline-mode"><option value="cumulative">${t(lang, 'mode_cumulative')}</option><option value="window">${t(lang, 'mode_window')}</option></select></label>`;
    this.lang = lang;
    if (focusedId) document.getElementById(focusedId)?.focus();
  }
}

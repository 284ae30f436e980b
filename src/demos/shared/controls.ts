/**
 * Buttons, choices and sliders for the figures: large enough for a finger,
 * labelled for a screen reader, and marked by more than colour (a chosen
 * option has aria-pressed and a tick). They only report what a person did;
 * the figure's state says what is chosen, through the setters they return.
 */
import { demoStyles } from '../../contract/styles.ts';
import type { Selection } from 'd3-selection';
import controlsCss from './controls.css?url';

void demoStyles(controlsCss);

/** Any element selection the controls can be appended to. */
type Parent = Selection<HTMLElement, unknown, null, undefined> | Selection<HTMLDivElement, unknown, null, undefined>;

/** A button that calls `onClick`. */
export function button(parent: Parent, text: string, onClick: () => void, className = '') {
  return (parent as Selection<HTMLElement, unknown, null, undefined>)
    .append('button')
    .attr('type', 'button')
    .attr('class', className || null)
    .text(text)
    .on('click', onClick);
}

/** A group of mutually exclusive buttons; returns the setter that marks the chosen one. */
export function choice<T extends string>(
  parent: Parent,
  label: string,
  options: readonly { value: T; text: string }[],
  onChoose: (value: T) => void,
) {
  const group = (parent as Selection<HTMLElement, unknown, null, undefined>)
    .append('div')
    .attr('class', 'demo-choice')
    .attr('role', 'group')
    .attr('aria-label', label);
  group.append('span').attr('class', 'demo-choice-label').text(label);
  const buttons = group
    .selectAll('button')
    .data(options)
    .join('button')
    .attr('type', 'button')
    .attr('data-value', (o) => o.value)
    .text((o) => o.text)
    .on('click', (_, o) => onChoose(o.value));
  return (value: string) => buttons.attr('aria-pressed', (o) => String(o.value === value));
}

/** A labelled range input with its value beside it; returns the setter of both. */
export function slider(
  parent: Parent,
  label: string,
  range: { min: number; max: number; step: number },
  format: (value: number) => string,
  onInput: (value: number) => void,
  className = '',
) {
  const box = (parent as Selection<HTMLElement, unknown, null, undefined>).append('label').attr('class', `demo-slider ${className}`.trim());
  box.append('span').text(label);
  const input = box
    .append('input')
    .attr('type', 'range')
    .attr('min', range.min)
    .attr('max', range.max)
    .attr('step', range.step)
    .on('input', function () {
      onInput(Number((this as HTMLInputElement).value));
    });
  const output = box.append('output');
  return (value: number) => {
    input.property('value', value);
    output.text(format(value));
  };
}

/** A row of controls. */
export function controlRow(parent: Parent, className = ''): Selection<HTMLDivElement, unknown, null, undefined> {
  return (parent as Selection<HTMLElement, unknown, null, undefined>).append('div').attr('class', `demo-controls ${className}`.trim());
}

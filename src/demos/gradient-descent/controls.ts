/** Buttons and toggles for the figures: large enough for a finger, labelled for a screen reader. */
import type { Selection } from 'd3-selection';

export function button(parent: Selection<HTMLDivElement, unknown, null, undefined>, text: string, onClick: () => void, className = '') {
  return parent.append('button').attr('type', 'button').attr('class', className).text(text).on('click', onClick);
}

/** A group of mutually exclusive buttons (aria-pressed marks the chosen one, not colour alone). */
export function choice<T extends string>(
  parent: Selection<HTMLDivElement, unknown, null, undefined>,
  label: string,
  options: { value: T; text: string }[],
  onChoose: (value: T) => void,
) {
  const group = parent.append('div').attr('class', 'gd-choice').attr('role', 'group').attr('aria-label', label);
  group.append('span').attr('class', 'gd-choice-label').text(label);
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

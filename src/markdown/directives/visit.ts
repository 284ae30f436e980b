/**
 * The remark plugin that turns a slide's directives into HTML and records
 * what the slide says about itself (title, id, demos, polls) on the file.
 *
 * It knows no directive by name: it looks each one up in the table
 * (index.ts), checks its attributes with the directive's schema and hands it
 * to the directive's renderer. Every mistake is recorded on the file
 * (../problems.ts) and the walk goes on, so that all of a slide's mistakes
 * are found in one build.
 *
 * Unknown block directives are mistakes (they are almost always typos);
 * unknown inline directives are put back as the text they were, because
 * prose such as "ratio 3:a" can look like one.
 */
import type { Heading, Root as MdastRoot } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { POLL_DEMO } from '../poll.ts';
import { report } from '../problems.ts';
import type { DirectiveContext, DirectiveNode, RenderOptions, SlideData, Where } from './define.ts';
import { findDirective, knownDirectives } from './index.ts';

/** The rule of the vfile messages this plugin records. */
const RULE = 'directive';

export function remarkSlideDirectives(options: RenderOptions) {
  return (tree: MdastRoot, file: VFile) => {
    const slide: SlideData = { attributes: {}, title: undefined, demos: [], polls: [], formerly: [], keys: new Map() };
    const notes = (file.data as { kind?: string }).kind === 'notes';
    file.data = { ...file.data, slide };

    visit(tree, (node, index, parent) => {
      if (node.type !== 'containerDirective' && node.type !== 'leafDirective' && node.type !== 'textDirective') return;
      const directive = node as DirectiveNode;
      const fail = (message: string | readonly string[], where: Where = 'directive') => {
        for (const one of typeof message === 'string' ? [message] : message)
          report(file, RULE, one, where === 'directive' ? directive.position : undefined);
        return SKIP;
      };

      const declared = findDirective(directive.type, directive.name);
      if (!declared) {
        if (directive.type === 'textDirective') {
          if (parent && index !== undefined) {
            const label = toString(directive);
            parent.children.splice(index, 1, { type: 'text', value: `:${directive.name}${label ? `[${label}]` : ''}` } as never);
          }
          return SKIP;
        }
        fail(`unknown directive "${directive.type === 'leafDirective' ? '::' : ':::'}${directive.name}"; known: ${knownDirectives()}`);
        // What is inside an unknown container is still the slide's, and may hold mistakes of its own.
        return directive.type === 'containerDirective' ? undefined : SKIP;
      }
      if (declared.notesOnly && !notes) return fail(declared.notesOnly);

      const attributes = declared.attributes.safeParse(directive.attributes ?? {});
      if (!attributes.success) return fail(attributes.error.issues.map((issue) => issue.message));

      const context: DirectiveContext = {
        options,
        slide,
        notes,
        parent,
        index,
        fail,
        bindKeys: (name, keys, written = `::demo{name="${name}"}`) => {
          // Keys are global while a slide is on screen, so two demos on one slide must not share one.
          for (const key of keys) {
            const other = slide.keys.get(key.toLowerCase());
            if (other !== undefined) {
              const owner = other === POLL_DEMO ? '::poll' : `::demo{name="${other}"}`;
              fail(
                `${written} binds the key "${key}", which ${other === name ? 'another ' : ''}${owner} on this slide binds too; put one of them on a slide of its own`,
              );
              return false;
            }
          }
          for (const key of keys) slide.keys.set(key.toLowerCase(), name);
          return true;
        },
      };
      return declared.render(directive, attributes.data, context);
    });

    const heading = tree.children.find((node): node is Heading => node.type === 'heading');
    if (heading) {
      slide.title ??= toString(heading).trim();
    } else if (slide.title) {
      // A slide without a visible heading still needs one for screen readers and the overview.
      tree.children.unshift({
        type: 'heading',
        depth: 2,
        data: { hProperties: { className: ['sr-only'] } },
        children: [{ type: 'text', value: slide.title }],
      });
    }
  };
}

import { card, header, md, type Card, type Template } from './card';

export interface TextCardInput {
  title: string;
  /** Trusted markdown: escape user values in it with `esc` / `escLine`. */
  markdown: string;
  template?: Template;
  subtitle?: string;
}

/** A title and a paragraph: confirmations ("Silenced #42 for 1h") and short answers. */
export function textCard(input: TextCardInput): Card {
  return card(header(input.template ?? 'blue', input.title, input.subtitle), [md(input.markdown)]);
}

// Types for the browser module next to this file, so Node tests can check it.
export function decodeEntities(s: string): string;
export function escapeHtml(s: unknown): string;
export function renderMarkdown(source: unknown, names?: Map<string, string>): string;
export function renderText(source: unknown, names?: Map<string, string>): string;
export function renderPost(post: unknown, names?: Map<string, string>): string;

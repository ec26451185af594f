import { prometheusHashmod } from '../../src/core/hashing';
import type { RelabelConfig } from '../../src/scrape/relabel';

/**
 * Just enough of Prometheus' relabel engine (model/relabel.Process) to run the rules the
 * renderer itself generates (replace, keep, drop, hashmod) on a target's labels. Regexes
 * are anchored as Prometheus anchors them; the generated ones mean the same in JS and RE2.
 * Returns null when the target is dropped.
 */
export function applyRelabels(input: Record<string, string>, rules: RelabelConfig[]): Record<string, string> | null {
  const labels = { ...input };
  for (const r of rules) {
    const value = (r.source_labels ?? []).map((l) => labels[l] ?? '').join(r.separator ?? ';');
    const re = new RegExp(`^(?:${r.regex ?? '(.*)'})$`);
    switch (r.action) {
      case 'keep':
        if (!re.test(value)) return null;
        break;
      case 'drop':
        if (re.test(value)) return null;
        break;
      case 'hashmod':
        labels[r.target_label!] = String(prometheusHashmod(value, r.modulus!));
        break;
      case 'replace': {
        const m = re.exec(value);
        if (!m) break;
        const expand = (template: string) => template.replace(/\$\{?(\w+)\}?/g, (_, g: string) => m[Number(g)] ?? '');
        const result = expand(r.replacement ?? '$1');
        const target = expand(r.target_label!);
        if (result === '') delete labels[target];
        else labels[target] = result;
        break;
      }
      default:
        throw new Error(`simulator does not implement ${r.action}`);
    }
  }
  return labels;
}

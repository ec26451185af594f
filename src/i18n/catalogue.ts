import { commonMessages } from './messages/common';

/**
 * Every message the bot and its cards show. Each area keeps its own file under messages/
 * (keys prefixed with the area) so branches adding messages touch different files; add the
 * area here. test/unit/i18n-catalogue.test.ts checks no key is defined twice.
 */
export const AREAS = [commonMessages] as const;

type Union<A extends readonly unknown[]> = A[number];
type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type Catalogue = Merge<Union<typeof AREAS>>;
export const CATALOGUE: Catalogue = Object.assign({}, ...AREAS);

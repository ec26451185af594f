import { actionMessages } from './messages/actions';
import { chatMessages } from './messages/chat';
import { commandMessages } from './messages/commands';
import { commonMessages } from './messages/common';
import { errorMessages } from './messages/errors';
import { replyMessages } from './messages/replies';
import { toastMessages } from './messages/toasts';
import { oncallCardMessages } from './messages/oncall-cards';
import { alertCardMessages } from './messages/alert-cards';
import { opsCardMessages } from './messages/ops-cards';
import { remedyMessages } from './messages/remedy';
import { groupMessages } from './messages/groups';
import { groupCardMessages } from './messages/group-cards';
import { pagingMessages } from './messages/paging';
import { oncallErrorMessages } from './messages/oncall-errors';
import { ruleErrorMessages } from './messages/rule-errors';
import { formMessages } from './messages/forms';
import { serviceErrorMessages } from './messages/service-errors';

/**
 * Every message the bot and its cards show. Each area keeps its own file under messages/
 * (keys prefixed with the area) so branches adding messages touch different files; add the
 * area here. test/unit/i18n-catalogue.test.ts checks no key is defined twice.
 */
export const AREAS = [commonMessages, errorMessages, chatMessages, commandMessages, replyMessages, actionMessages, toastMessages, oncallCardMessages, alertCardMessages, opsCardMessages, remedyMessages, groupMessages, groupCardMessages, pagingMessages, oncallErrorMessages, ruleErrorMessages, formMessages, serviceErrorMessages] as const;

type Union<A extends readonly unknown[]> = A[number];
type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type Catalogue = Merge<Union<typeof AREAS>>;
export const CATALOGUE: Catalogue = Object.assign({}, ...AREAS);

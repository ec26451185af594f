import type { Knex } from 'knex';
import * as m001 from './001_initial';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, keyed by its name; the order is the sorted names. */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
};

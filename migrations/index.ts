import type { Knex } from 'knex';
import * as core from './20261125_001_core';
import * as meetings from './20261125_002_meetings';
import * as calls from './20261125_003_calls';
import * as dues from './20261125_004_dues';
import * as accounts from './20261201_005_accounts';
import * as client from './20261201_006_client';
import * as names from './20261201_007_names';
import * as memberLife from './20261201_008_member_life';
import * as voice from './20261201_009_voice';
import * as projects from './20261201_010_projects';
import * as publicMeetings from './20261201_011_public';
import * as searchSpeed from './20261201_012_search_speed';

/**
 * Migrations are listed here rather than discovered by scanning a folder, so they run the same under
 * tsx, vitest and any bundler. Append new ones at the end; never edit one that has shipped.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261125_001_core': core,
  '20261125_002_meetings': meetings,
  '20261125_003_calls': calls,
  '20261125_004_dues': dues,
  '20261201_005_accounts': accounts,
  '20261201_006_client': client,
  '20261201_007_names': names,
  '20261201_008_member_life': memberLife,
  '20261201_009_voice': voice,
  '20261201_010_projects': projects,
  '20261201_011_public': publicMeetings,
  '20261201_012_search_speed': searchSpeed,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

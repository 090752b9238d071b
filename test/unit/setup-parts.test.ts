// The pure parts of setup: principals checked before they reach SQL or JSON, grants filled in,
// workspace permissions merged per principal, and where a pipeline publishes its event log.

import { afterEach, describe, expect, it } from 'vitest';
import { eventLogViewSql, publishedEventLogOf } from '../../src/setup/event-log-view.js';
import { renderGrants } from '../../src/setup/grants.js';
import { permissionPlan } from '../../src/setup/permissions.js';
import { parsePrincipal, sqlPrincipal } from '../../src/setup/principals.js';
import type { Locations } from '../../src/warehouse/port.js';
import { listSql, loadSql } from '../../src/warehouse/sql-files.js';

const SP = '6F1C2A3B-0D4E-4F5A-8B6C-7D8E9F0A1B2C';
const LOC: Locations = { ops: 'ops.postflight', eventLog: 'logs.pf.events', dbtArtifacts: 'analytics.elementary' };

describe('principals', () => {
  it('tells a service principal, a user and a group apart', () => {
    expect(parsePrincipal('verifier', SP)).toEqual({ name: SP.toLowerCase(), kind: 'service_principal' });
    expect(parsePrincipal('deployer', 'jane.doe+ci@example.co.uk')).toEqual({
      name: 'jane.doe+ci@example.co.uk',
      kind: 'user',
    });
    expect(parsePrincipal('deployer', ' data platform_admins ')).toEqual({
      name: 'data platform_admins',
      kind: 'group',
    });
    expect(sqlPrincipal(parsePrincipal('deployer', 'data-eng'))).toBe('`data-eng`');
  });

  it.each(["x' OR '1'='1", 'a`b', 'a"b', 'a;b', 'jane@', '', ' ', 'a\nb', 'x'.repeat(300)])('refuses %j', (v) => {
    expect(() => parsePrincipal('deployer', v)).toThrow(/--deployer/);
  });
});

describe('grants filled in', () => {
  const text = loadSql('grants');
  const dep = parsePrincipal('deployer', 'ci-deployers');
  const ver = parsePrincipal('verifier', SP);

  it('quotes every name, and grants each container once per principal', () => {
    const g = renderGrants(text, LOC, { deployer: dep, verifier: ver });
    expect(g).toContain('GRANT USE CATALOG ON CATALOG `logs` TO `6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c`');
    expect(g).toContain('GRANT USE SCHEMA ON SCHEMA `logs`.`pf` TO `6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c`');
    expect(g).toContain('GRANT SELECT ON TABLE `logs`.`pf`.`events` TO `6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c`');
    expect(g).toContain(
      'GRANT SELECT ON TABLE `analytics`.`elementary`.dbt_tests TO `6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c`',
    );
    expect(new Set(g).size).toBe(g.length);
    expect(g.every((s) => !s.includes('{{'))).toBe(true);
  });

  it('leaves out identities not given, the dbt schema when unset, and repeats nothing', () => {
    const { dbtArtifacts: _, ...noDbt } = LOC;
    const same = { ...noDbt, eventLog: 'ops.postflight.pipeline_event_log' };
    const g = renderGrants(text, same, { verifier: ver });
    expect(g.some((s) => s.includes('ci-deployers') || s.includes('elementary'))).toBe(false);
    expect(
      g.filter((s) => s === 'GRANT USE CATALOG ON CATALOG `ops` TO `6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c`'),
    ).toHaveLength(1);
    expect(renderGrants(text, same, {})).toEqual([]);
  });
});

describe('workspace permissions', () => {
  const ver = parsePrincipal('verifier', SP);
  const rb = parsePrincipal('rollback', 'rollbackers');

  it('gives the warehouse to those that run SQL, and each principal its highest level on jobs and pipelines', () => {
    const merged = permissionPlan(
      { verifier: ver, rollback: ver },
      { warehouseId: 'abc123', pipelineIds: ['p2', 'p1'] },
    );
    expect(merged.requests.map((r) => [r.path, r.body.access_control_list])).toEqual([
      [
        '/api/2.0/permissions/warehouses/abc123',
        [{ service_principal_name: SP.toLowerCase(), permission_level: 'CAN_USE' }],
      ],
      [
        '/api/2.0/permissions/jobs/<job-id>',
        [{ service_principal_name: SP.toLowerCase(), permission_level: 'CAN_MANAGE' }],
      ],
      [
        '/api/2.0/permissions/pipelines/p1',
        [{ service_principal_name: SP.toLowerCase(), permission_level: 'CAN_MANAGE' }],
      ],
      [
        '/api/2.0/permissions/pipelines/p2',
        [{ service_principal_name: SP.toLowerCase(), permission_level: 'CAN_MANAGE' }],
      ],
    ]);
    const apart = permissionPlan({ deployer: parsePrincipal('deployer', 'ci'), verifier: ver, rollback: rb }, {});
    expect(apart.requests[0]!.body.access_control_list.map((e) => e.group_name ?? e.service_principal_name)).toEqual([
      'ci',
      SP.toLowerCase(),
    ]);
    expect(apart.requests[1]!.body.access_control_list).toEqual([
      { service_principal_name: SP.toLowerCase(), permission_level: 'CAN_VIEW' },
      { group_name: 'rollbackers', permission_level: 'CAN_MANAGE' },
    ]);
    expect(apart.bundlePermissions).toEqual([
      { level: 'CAN_VIEW', service_principal_name: SP.toLowerCase() },
      { level: 'CAN_MANAGE', group_name: 'rollbackers' },
    ]);
  });
});

describe('published event logs', () => {
  it('reads the spec, falling back to the pipeline catalog and schema', () => {
    expect(publishedEventLogOf({ event_log: { catalog: 'c', schema: 's', name: 't' } })).toEqual({ table: 'c.s.t' });
    expect(publishedEventLogOf({ catalog: 'c', target: 's', event_log: { name: 't' } })).toEqual({ table: 'c.s.t' });
    expect(publishedEventLogOf({ catalog: 'c' })).toEqual({ reason: expect.stringMatching(/publishes no event log/) });
    expect(publishedEventLogOf({ event_log: { name: 't' } })).toEqual({ reason: expect.stringMatching(/no catalog/) });
    expect(publishedEventLogOf({ event_log: { catalog: 'c', schema: 's', name: 'my-log' } })).toEqual({
      reason: expect.stringMatching(/does not quote/),
    });
  });

  it('refuses a view over itself', () => {
    expect(() => eventLogViewSql(['logs.pf.events'], LOC)).toThrow(/--event-log logs.pf.events is also one/);
    expect(() => eventLogViewSql([], LOC)).toThrow(/no published event log/);
  });
});

describe('the views setup applies', () => {
  const g = globalThis as { __POSTFLIGHT_SQL__?: Record<string, string> };
  afterEach(() => {
    delete g.__POSTFLIGHT_SQL__;
  });

  it('are the files of sql/views/ in file-name order, in the bundle as in a checkout', () => {
    g.__POSTFLIGHT_SQL__ = { 'views/20_pages': '', 'views/10_budget': '', 'views/old/x': '', 'tick/open': '' };
    expect(listSql('views')).toEqual(['views/10_budget', 'views/20_pages']);
    delete g.__POSTFLIGHT_SQL__;
    expect(listSql('tick')).toEqual([...listSql('tick')].sort());
    expect(listSql('tick')).toContain('tick/open');
    expect(listSql('no_such_folder')).toEqual([]);
  });
});

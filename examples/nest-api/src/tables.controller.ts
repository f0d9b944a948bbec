import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ClientPermission, Principal, Public, RequireScope } from '@m2m-auth/nest';
import { IngestionClient, type IngestionJob } from './ingestion.client.js';

const TABLES: Record<string, string[]> = {
  '45c0': ['events', 'orders'],
  '77aa': ['invoices'],
};

/**
 * A Tables API in the style of Imply Polaris. The global guard protects every route; `/health` is
 * public, listing a project's tables needs the `project-<id>` scope, and managing API clients needs the
 * `AdministerClients` permission (a Keycloak client role).
 */
@Controller()
export class TablesController {
  constructor(@Inject(IngestionClient) private readonly ingestion: IngestionClient) {}

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('v1/projects/:id/tables')
  @UseGuards(RequireScope('project-{id}'))
  tables(@Param('id') id: string, @Principal() caller: Principal) {
    return { project: id, tables: TABLES[id] ?? [], caller: caller.clientId };
  }

  /** Calls the Ingestion API with this service's own token (outbound, client credentials). */
  @Get('v1/projects/:id/ingestion')
  @UseGuards(RequireScope('project-{id}'))
  async ingestionJobs(@Param('id') id: string): Promise<{ project: string; jobs: IngestionJob[] }> {
    return { project: id, jobs: await this.ingestion.jobs(id) };
  }

  @Get('v1/clients')
  @UseGuards(ClientPermission('AdministerClients'))
  clients(@Principal('clientId') caller: string) {
    return { clients: [], caller };
  }
}

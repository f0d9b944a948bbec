import { Injectable } from '@nestjs/common';
import type { HttpService } from '@nestjs/axios';
import { InjectHttpClient } from '@m2m-auth/nest/http';
import { firstValueFrom } from 'rxjs';

export interface IngestionJob {
  id: string;
  table: string;
  status: string;
}

/** The name of the outbound client registered with `M2mHttpModule`. */
export const INGESTION = 'ingestion';

/**
 * Talks to the Ingestion API through an `HttpService` whose requests carry this service's
 * client-credentials token (refreshed, and renewed once on a `401`).
 */
@Injectable()
export class IngestionClient {
  constructor(@InjectHttpClient(INGESTION) private readonly http: HttpService) {}

  async jobs(project: string): Promise<IngestionJob[]> {
    const res = await firstValueFrom(
      this.http.get<{ jobs: IngestionJob[] }>(`/v1/projects/${encodeURIComponent(project)}/jobs`),
    );
    return res.data.jobs;
  }
}

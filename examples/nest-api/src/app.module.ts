import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { keycloak } from '@m2m-auth/core';
import { M2mAuthModule } from '@m2m-auth/nest';
import { M2mHttpModule } from '@m2m-auth/nest/http';
import type { NestApiConfig } from './config.js';
import { INGESTION, IngestionClient } from './ingestion.client.js';
import { TablesController } from './tables.controller.js';

/**
 * The Tables API: inbound tokens checked by `M2mAuthModule` (global guard), outbound calls to the
 * Ingestion API through `M2mHttpModule`. Settings come from the environment (see `NestApiConfig`), or
 * from `settings` (tests).
 */
@Module({})
export class AppModule {
  static forRoot(settings?: NestApiConfig): DynamicModule {
    // Tests pass their settings; the process environment is then ignored.
    const config = ConfigModule.forRoot(
      settings
        ? { ignoreEnvFile: true, skipProcessEnv: true, load: [() => settings] }
        : { ignoreEnvFile: true },
    );
    return {
      module: AppModule,
      imports: [
        config,
        M2mAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (env: ConfigService<NestApiConfig, true>) => ({
            issuer: env.getOrThrow('ISSUER', { infer: true }),
            audience: env.get('AUDIENCE', 'https://tables.example', { infer: true }),
            claims: keycloak({ clientId: env.get('ROLES_CLIENT', 'tables-api', { infer: true }) }),
          }),
          protectAllRoutes: true,
        }),
        M2mHttpModule.registerAsync({
          name: INGESTION,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (env: ConfigService<NestApiConfig, true>) => {
            const resource = env.get('INGESTION_RESOURCE', { infer: true });
            return {
              baseURL: env.getOrThrow('INGESTION_URL', { infer: true }),
              timeout: 5000,
              token: {
                issuer: env.getOrThrow('ISSUER', { infer: true }),
                clientId: env.getOrThrow('CLIENT_ID', { infer: true }),
                clientSecret: env.getOrThrow('CLIENT_SECRET', { infer: true }),
                scope: env.get('CLIENT_SCOPE', 'ingestion:read', { infer: true }),
                ...(resource ? { resource } : {}),
              },
            };
          },
        }),
      ],
      controllers: [TablesController],
      providers: [IngestionClient],
    };
  }
}

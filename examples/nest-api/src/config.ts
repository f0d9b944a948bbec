/**
 * The example's settings, read through `ConfigService`: from the environment, or from the values a
 * test passes to `AppModule.forRoot()`.
 */
export interface NestApiConfig {
  /** The issuer whose tokens the API accepts, e.g. `https://id.example/auth/realms/acme`. */
  ISSUER: string;
  /** The audience of those tokens. Default is `https://tables.example`. */
  AUDIENCE?: string;
  /** The Keycloak client whose roles count as permissions. Default is `tables-api`. */
  ROLES_CLIENT?: string;
  /** Base URL of the Ingestion API this service calls, e.g. `https://ingestion.example`. */
  INGESTION_URL: string;
  /** This service's own client at the issuer, for its calls to the Ingestion API. */
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  /** The scope its tokens ask for. Default is `ingestion:read`. */
  CLIENT_SCOPE?: string;
  /** Resource indicator (RFC 8707) of the Ingestion API, when the issuer wants one. Default is none. */
  INGESTION_RESOURCE?: string;
}

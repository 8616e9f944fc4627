-- CreateTable
CREATE TABLE "applications" (
    "client_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "app_type" TEXT NOT NULL,
    "client_secret_hash" TEXT,
    "callbacks" TEXT[],
    "allowed_logout_urls" TEXT[],
    "allowed_connections" TEXT[],
    "allowed_memberships" TEXT[],
    "is_first_party" BOOLEAN NOT NULL DEFAULT true,
    "id_token_alg" TEXT NOT NULL DEFAULT 'RS256',
    "token_endpoint_auth_method" TEXT NOT NULL,
    "id_token_lifetime" INTEGER NOT NULL DEFAULT 36000,
    "access_token_lifetime" INTEGER NOT NULL DEFAULT 86400,
    "refresh_token_lifetime" INTEGER NOT NULL DEFAULT 2592000,
    "groups_claim" TEXT NOT NULL DEFAULT 'groups',
    "app_metadata_claims" TEXT[],
    "user_metadata_claims" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("client_id")
);

-- CreateTable
CREATE TABLE "oidc_payloads" (
    "kind" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grant_id" TEXT,
    "uid" TEXT,
    "user_code" TEXT,
    "account_id" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "consumed_at" TIMESTAMPTZ(3),

    CONSTRAINT "oidc_payloads_pkey" PRIMARY KEY ("kind","id")
);

-- CreateTable
CREATE TABLE "oidc_signing_keys" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "private_jwk" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signs_from" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "oidc_signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE INDEX "oidc_payloads_grant_id_idx" ON "oidc_payloads"("grant_id");

-- CreateIndex
CREATE INDEX "oidc_payloads_uid_idx" ON "oidc_payloads"("uid");

-- CreateIndex
CREATE INDEX "oidc_payloads_account_id_idx" ON "oidc_payloads"("account_id");

-- CreateIndex
CREATE INDEX "oidc_payloads_expires_at_idx" ON "oidc_payloads"("expires_at");


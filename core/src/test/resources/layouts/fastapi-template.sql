-- A chat product built on the FastAPI full-stack template (backend/app/models.py: SQLModel
-- tables named after their classes, `user` among them, keyed by `uuid.UUID`), its chat
-- tables added by the product's Alembic migrations in the same style. ${user_key} is the
-- key of every user: `uuid` as the template writes it, or `varchar(128)` for a product that
-- keeps its identity provider's subject (`auth0|…`) as the key. Not made by the toolkit.
CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('1a31ce608336');

CREATE TABLE "user" (
    email varchar(255) NOT NULL,
    is_active boolean NOT NULL,
    is_superuser boolean NOT NULL,
    full_name varchar(255),
    id ${user_key} NOT NULL,
    hashed_password varchar NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    CONSTRAINT user_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_user_email ON "user" (email);

CREATE TABLE plan (
    id uuid NOT NULL,
    code varchar(50) NOT NULL,
    daily_message_limit integer NOT NULL,
    CONSTRAINT plan_pkey PRIMARY KEY (id),
    CONSTRAINT plan_code_key UNIQUE (code)
);

CREATE TABLE subscription (
    id uuid NOT NULL,
    user_id ${user_key} NOT NULL,
    plan_id uuid NOT NULL,
    is_active boolean NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    CONSTRAINT subscription_pkey PRIMARY KEY (id),
    CONSTRAINT subscription_user_id_fkey FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE,
    CONSTRAINT subscription_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES plan (id)
);
CREATE INDEX ix_subscription_user_id ON subscription (user_id);

CREATE TABLE user_daily_quota_usages (
    user_id ${user_key} NOT NULL,
    quota_date date NOT NULL,
    used_count integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_daily_quota_usages_pkey PRIMARY KEY (user_id, quota_date),
    CONSTRAINT user_daily_quota_usages_user_id_fkey FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE
);

CREATE TABLE chatmessage (
    id uuid NOT NULL,
    owner_id ${user_key} NOT NULL,
    role varchar(20) NOT NULL,
    content varchar NOT NULL,
    request_id varchar(64),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT chatmessage_pkey PRIMARY KEY (id),
    CONSTRAINT chatmessage_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE INDEX ix_chatmessage_owner_id_created_at ON chatmessage (owner_id, created_at);
CREATE INDEX ix_chatmessage_created_at ON chatmessage (created_at) WHERE role = 'user';

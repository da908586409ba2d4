-- A chat product's database as its FastAPI + SQLAlchemy backend (migrations by Alembic)
-- creates it, following the product story, NOT by the toolkit's migrations: integer ids,
-- varchar columns, extra columns, no check constraints, the user messages reachable only
-- through their conversation, and no request_id. The tests adopt it as a DBA would.
CREATE TABLE alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('7c1e2d9a4b31');

CREATE TABLE users (
    id serial NOT NULL,
    email varchar(320) NOT NULL,
    hashed_password varchar(255) NOT NULL,
    role varchar(20) NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE billing_plans (
    id serial NOT NULL,
    code varchar(50) NOT NULL,
    name varchar(100) NOT NULL,
    daily_message_limit integer NOT NULL,
    price_cents integer NOT NULL,
    is_active boolean NOT NULL,
    CONSTRAINT billing_plans_pkey PRIMARY KEY (id),
    CONSTRAINT billing_plans_code_key UNIQUE (code)
);

CREATE TABLE user_subscriptions (
    id serial NOT NULL,
    user_id integer NOT NULL,
    plan_id integer NOT NULL,
    status varchar(20) NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone,
    CONSTRAINT user_subscriptions_pkey PRIMARY KEY (id),
    CONSTRAINT user_subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT user_subscriptions_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES billing_plans (id)
);
CREATE INDEX ix_user_subscriptions_user_id ON user_subscriptions (user_id);

CREATE TABLE user_daily_quota_usages (
    id serial NOT NULL,
    user_id integer NOT NULL,
    quota_date date NOT NULL,
    used_count integer NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT user_daily_quota_usages_pkey PRIMARY KEY (id),
    CONSTRAINT uq_user_daily_quota_usages_user_id_quota_date UNIQUE (user_id, quota_date),
    CONSTRAINT user_daily_quota_usages_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE conversations (
    id serial NOT NULL,
    user_id integer NOT NULL,
    title varchar(200),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT conversations_pkey PRIMARY KEY (id),
    CONSTRAINT conversations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE INDEX ix_conversations_user_id ON conversations (user_id);

CREATE TABLE messages (
    id serial NOT NULL,
    conversation_id integer NOT NULL,
    role varchar(20) NOT NULL,
    content text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id)
);
CREATE INDEX ix_messages_conversation_id ON messages (conversation_id);
CREATE INDEX ix_messages_created_at ON messages (created_at);

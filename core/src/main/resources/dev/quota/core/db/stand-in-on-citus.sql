-- The stand-in made ready for Citus the way a product team makes its own tables ready
-- (docs/scaling.md, layouts/citus-product.sql): every primary and unique key carries the
-- user, the users and everything per user distributed by user and co-located, the plans a
-- reference table, and no foreign key (Citus distributes no table that a local one still
-- references). So a request id is unique per user. Run by StandIn on a coordinator,
-- right after the stand-in's tables are made, one statement a transaction: Citus
-- distributes a table in a transaction of its own. The messages are distributed after it,
-- by user or by conversation (stand-in-messages-by-*.sql, MessagesDistribution).
ALTER TABLE user_subscriptions DROP CONSTRAINT user_subscriptions_user_id_fkey, DROP CONSTRAINT user_subscriptions_plan_id_fkey;
ALTER TABLE user_daily_quota_usages DROP CONSTRAINT user_daily_quota_usages_user_id_fkey;
ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE user_subscriptions DROP CONSTRAINT user_subscriptions_pkey, ADD PRIMARY KEY (user_id, id);
ALTER TABLE user_daily_quota_usages DROP CONSTRAINT user_daily_quota_usages_pkey, ADD PRIMARY KEY (user_id, id);
SELECT create_reference_table('billing_plans');
SELECT create_distributed_table('users', 'id');
SELECT create_distributed_table('user_subscriptions', 'user_id', colocate_with => 'users');
SELECT create_distributed_table('user_daily_quota_usages', 'user_id', colocate_with => 'users');

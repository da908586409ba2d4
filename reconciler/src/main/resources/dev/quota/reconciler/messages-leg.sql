    SELECT m.user_id, m.quota_date, CAST(NULL AS integer) AS used_count, m.messages, CAST(0 AS bigint) AS usage_delta
      FROM ({user_messages_of_days}) m
    UNION ALL
